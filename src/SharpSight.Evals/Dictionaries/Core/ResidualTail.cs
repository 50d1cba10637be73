using System.Text.RegularExpressions;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// The part of a model after the residual stream leaves block L (hook "blocks.L.hook_resid_post"): blocks L + 1.., the
/// final norm, the unembedding and the logit softcap, run from a replacement residual without recomputing the blocks
/// before it. It is what <see cref="TransformerModel.Forward(Tensor, Tensor?, KeyValueCache?)"/> computes after that hook
/// for unpadded sequences without a cache (positions 0..T − 1), but the model-level hook points after the blocks
/// (ln_final.hook_normalized, hook_logits) do not fire; block hook points do.
/// </summary>
/// <remarks>
/// An evaluation that reruns a model many times with only the hook's value changed spends most of its time recomputing
/// the same blocks before the hook; this skips them. (A model-level "forward from a hook point" would make this class
/// unnecessary.)
/// </remarks>
internal sealed partial class ResidualTail
{
    private readonly TransformerModel _model;
    private readonly int _firstBlock;
    private readonly RotaryEmbedding? _rotary;

    private ResidualTail(TransformerModel model, int firstBlock)
    {
        _model = model;
        _firstBlock = firstBlock;
        _rotary = model.Config.Positions == PositionKind.Learned ? null : new RotaryEmbedding(model.Config);
    }

    /// <summary>The tail after <paramref name="hook"/>, or null when the hook is not a block's resid_post.</summary>
    public static ResidualTail? After(TransformerModel model, string hook)
    {
        Match match = ResidPost().Match(hook);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, out int layer) || layer < 0 || layer >= model.Blocks.Count) return null;
        return new ResidualTail(model, layer + 1);
    }

    /// <summary>Logits [B, T, V] from the residual [B, T, d] at the hook (not disposed).</summary>
    public Tensor Logits(Tensor residual)
    {
        using var scope = NewDisposeScope();
        long length = residual.shape[1];
        Tensor positions = arange(0, length, device: residual.device).unsqueeze(0);
        (Tensor? cos, Tensor? sin) = _rotary is null ? (null, null) : _rotary.Tables(positions, residual.dtype);
        using var context = new AttentionContext(length, length, null, cos, sin, null, residual.device);
        Tensor x = residual;
        IReadOnlyList<TransformerBlock> blocks = _model.Blocks;
        for (int layer = _firstBlock; layer < blocks.Count; layer++) x = blocks[layer].Forward(x, context);
        Tensor logits = nn.functional.linear(_model.LnFinal.Forward(x), _model.UnembedWeight);
        if (_model.Config.FinalLogitSoftcap is { } cap) logits = (logits / cap).tanh() * cap;
        return logits.MoveToOuterDisposeScope();
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.hook_resid_post$")]
    private static partial Regex ResidPost();
}
