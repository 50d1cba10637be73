using static TorchSharp.torch;

namespace SharpSight.Models.Loading;

/// <summary>How to load a checkpoint folder.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>
    /// Parameter dtype. Null (the default) loads float32, converting bf16/f16 checkpoints;
    /// use <see cref="KeepCheckpointDType"/> to keep what the file stores.
    /// </summary>
    public ScalarType? DType { get; init; }

    /// <summary>Load parameters in the checkpoint's own floating-point dtype (ignored when <see cref="DType"/> is set).</summary>
    public bool KeepCheckpointDType { get; init; }

    /// <summary>Device to move the model to after loading on the CPU; null = CPU.</summary>
    public Device? Device { get; init; }
}
