using System.Text.RegularExpressions;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// The part of a model after the residual stream leaves block L (hook "blocks.L.hook_resid_post"), run from a replacement
/// residual through <see cref="TransformerModel.ForwardFromResidual"/> without recomputing the blocks before it: an
/// evaluation that reruns the model many times with only that value changed spends most of its time there otherwise.
/// </summary>
internal sealed partial class ResidualTail
{
    private readonly TransformerModel _model;
    private readonly int _layer;

    private ResidualTail(TransformerModel model, int layer)
    {
        _model = model;
        _layer = layer;
    }

    /// <summary>The tail after <paramref name="hook"/>, or null when the hook is not a block's resid_post.</summary>
    public static ResidualTail? After(TransformerModel model, string hook)
    {
        Match match = ResidPost().Match(hook);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, out int layer) || layer < 0 || layer >= model.Blocks.Count) return null;
        return new ResidualTail(model, layer);
    }

    /// <summary>Logits [B, T, V] from the residual [B, T, d] at the hook (not disposed).</summary>
    public Tensor Logits(Tensor residual) => _model.ForwardFromResidual(_layer, residual);

    [GeneratedRegex(@"^blocks\.(\d+)\.hook_resid_post$")]
    private static partial Regex ResidPost();
}
