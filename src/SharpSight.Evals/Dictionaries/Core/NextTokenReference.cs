using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// What every dictionary of one batch is compared with: the clean model's next-token distributions and cross-entropy, and
/// those of the model with the hook zero-ablated. Computed once per batch and shared by all dictionaries' statistics.
/// Owns its tensors; dispose it.
/// </summary>
public sealed class NextTokenReference : IDisposable
{
    private NextTokenReference(Tensor cleanLogProbs, Tensor targets, double cleanCrossEntropySum, double ablatedCrossEntropySum, double ablatedKlSum)
    {
        CleanLogProbs = cleanLogProbs;
        Targets = targets;
        CleanCrossEntropySum = cleanCrossEntropySum;
        AblatedCrossEntropySum = ablatedCrossEntropySum;
        AblatedKlSum = ablatedKlSum;
    }

    /// <summary>log softmax of the clean logits [B, T, V] (float32 or wider).</summary>
    internal Tensor CleanLogProbs { get; }

    /// <summary>The next tokens ids[:, 1:] as [B, T − 1, 1], for gather.</summary>
    internal Tensor Targets { get; }

    /// <summary>Sequences in the batch.</summary>
    public long Sequences => CleanLogProbs.shape[0];

    /// <summary>Positions per sequence.</summary>
    public long Positions => CleanLogProbs.shape[1];

    /// <summary>Σ over the B(T − 1) predicted tokens of the clean model's cross-entropy.</summary>
    public double CleanCrossEntropySum { get; }

    /// <summary>Σ over the B(T − 1) predicted tokens of the zero-ablated model's cross-entropy.</summary>
    public double AblatedCrossEntropySum { get; }

    /// <summary>Σ over all B·T positions of KL(clean ‖ zero-ablated).</summary>
    public double AblatedKlSum { get; }

    /// <summary>Prepares one batch.</summary>
    /// <param name="cleanLogits">Logits of the unedited model [B, T, V] (not disposed).</param>
    /// <param name="ablatedLogits">Logits with the hook's activation set to zero [B, T, V] (not disposed).</param>
    /// <param name="ids">The token ids [B, T] (int64, T ≥ 2) the logits were computed from (not disposed).</param>
    public static NextTokenReference Create(Tensor cleanLogits, Tensor ablatedLogits, Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(cleanLogits);
        ArgumentNullException.ThrowIfNull(ablatedLogits);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.dim() != 2 || ids.shape[1] < 2 || ids.dtype != ScalarType.Int64)
            throw new ArgumentException($"ids must be int64 [batch, pos] with pos ≥ 2, got {ids.dtype} [{string.Join(", ", ids.shape)}]", nameof(ids));
        CheckLogits(cleanLogits, ids, nameof(cleanLogits));
        CheckLogits(ablatedLogits, ids, nameof(ablatedLogits));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor clean = LogProbs(cleanLogits);
        Tensor targets = ids.detach().cpu()[.., 1..].unsqueeze(-1);
        Tensor ablated = LogProbs(ablatedLogits);
        var reference = new NextTokenReference(clean, targets, CrossEntropySum(clean, targets), CrossEntropySum(ablated, targets), KlSum(clean, ablated));
        clean.DetachFromDisposeScope();
        targets.DetachFromDisposeScope();
        return reference;
    }

    /// <summary>log softmax over the vocabulary, on the CPU, in float32 or wider.</summary>
    internal static Tensor LogProbs(Tensor logits)
    {
        Tensor values = logits.detach().cpu();
        if (values.dtype is not (ScalarType.Float32 or ScalarType.Float64)) values = values.to(ScalarType.Float32);
        return values.log_softmax(-1);
    }

    /// <summary>Σ over predicted tokens of −log p(next token): position t predicts ids[:, t + 1].</summary>
    internal static double CrossEntropySum(Tensor logProbs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        return -logProbs[.., ..^1].gather(2, targets).to(ScalarType.Float64).sum().item<double>();
    }

    /// <summary>Σ over positions of KL(p ‖ q) = Σ_v p_v (log p_v − log q_v), from log probabilities.</summary>
    internal static double KlSum(Tensor logP, Tensor logQ)
    {
        using var scope = NewDisposeScope();
        return (logP.exp() * (logP - logQ)).sum(-1).to(ScalarType.Float64).sum().item<double>();
    }

    /// <summary>Checks that logits are [B, T, V] over the ids' batch and positions.</summary>
    internal static void CheckLogits(Tensor logits, Tensor ids, string name)
    {
        if (logits.dim() != 3 || logits.shape[0] != ids.shape[0] || logits.shape[1] != ids.shape[1])
            throw new ArgumentException($"{name} must be [{ids.shape[0]}, {ids.shape[1]}, vocab], got [{string.Join(", ", logits.shape)}]", name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CleanLogProbs.Dispose();
        Targets.Dispose();
    }
}
