using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace SharpSight.Models.Families;

/// <summary>A tensor a family expects in a checkpoint: its Hugging Face key and shape.</summary>
public sealed record SourceTensor(string Key, long[] Shape);

/// <summary>
/// How one parameter of <see cref="Modules.TransformerModel"/> is built from checkpoint tensors
/// (usually one tensor as is; fused or transposed for some families).
/// </summary>
/// <param name="Target">Internal parameter name, e.g. "blocks.0.attn.qkv.weight".</param>
/// <param name="Sources">Checkpoint tensors it is built from.</param>
/// <param name="Combine">Builds the parameter from the source tensors (in checkpoint dtype).</param>
public sealed record WeightMapping(string Target, IReadOnlyList<SourceTensor> Sources, Func<Tensor[], Tensor> Combine)
{
    /// <summary>The parameter is the checkpoint tensor itself.</summary>
    public static WeightMapping Direct(string target, string key, params long[] shape) =>
        new(target, [new SourceTensor(key, shape)], t => t[0].alias());

    /// <summary>The parameter is the transpose of a 2-D checkpoint tensor stored [in, out] (GPT-2 Conv1D).</summary>
    public static WeightMapping Transposed(string target, string key, long rows, long columns) =>
        new(target, [new SourceTensor(key, [rows, columns])], t => t[0].t());

    /// <summary>The parameter is the concatenation of checkpoint tensors along dimension 0 (fused q, k, v).</summary>
    public static WeightMapping Concatenated(string target, params SourceTensor[] sources) =>
        new(target, sources, t => cat(t, 0));
}

/// <summary>
/// Where a family's weights live in a Hugging Face checkpoint and how they map to our parameters.
/// </summary>
public sealed class CheckpointLayout
{
    /// <summary>
    /// Prefix of the base model's keys ("transformer.", "gpt_neox.", "model."). Checkpoints of the bare base model
    /// (and the Hub's own gpt2) omit it; the loader accepts both.
    /// </summary>
    public required string BasePrefix { get; init; }

    /// <summary>Every parameter and the checkpoint tensors it comes from. Keys here carry <see cref="BasePrefix"/>.</summary>
    public required IReadOnlyList<WeightMapping> Weights { get; init; }

    /// <summary>Keys that may be present and carry nothing we need (masks and rotary buffers of older checkpoints).</summary>
    public IReadOnlyList<Regex> Ignored { get; init; } = [];

    /// <summary>Keys that may be present and are not read (e.g. a tied lm_head saved anyway).</summary>
    public IReadOnlyList<string> Optional { get; init; } = [];
}
