using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// Running sums for SAEBench's model-behaviour (KL) and model-performance (cross-entropy) preservation metrics of one
/// dictionary spliced into the model in place of the hook's activation (reconstruction only, no error term).
/// </summary>
/// <remarks>
/// Definitions, as SAEBench (sums in float64, log probabilities from log softmax in float32 or wider):
/// <list type="bullet">
/// <item><c>ce_loss_without_sae</c>, <c>ce_loss_with_sae</c>, <c>ce_loss_with_ablation</c>: mean over predicted tokens of
/// −log p(ids[b, t + 1] | logits[b, t]) for positions t = 0..T − 2 of every sequence, for the clean model, the model with
/// the dictionary's reconstruction, and the model with the activation zero-ablated.</item>
/// <item><c>kl_div_with_sae</c>, <c>kl_div_with_ablation</c>: mean over all B·T positions of
/// KL(p_clean ‖ p_edited) = Σ_v p_clean,v (log p_clean,v − log p_edited,v).</item>
/// <item><c>ce_loss_score</c> = (CE_ablation − CE_sae) / (CE_ablation − CE_clean): 1 when the dictionary costs nothing,
/// 0 when it is as bad as removing the activation.</item>
/// <item><c>kl_div_score</c> = (KL_ablation − KL_sae) / KL_ablation.</item>
/// </list>
/// </remarks>
public sealed class DownstreamLossStatistics
{
    private double _cleanCrossEntropy, _dictionaryCrossEntropy, _ablatedCrossEntropy, _dictionaryKl, _ablatedKl;

    /// <summary>Predicted tokens counted in the cross-entropies: Σ B(T − 1).</summary>
    public long PredictedTokens { get; private set; }

    /// <summary>Positions counted in the KL divergences: Σ B·T.</summary>
    public long Positions { get; private set; }

    /// <summary>Mean cross-entropy of the clean model (ce_loss_without_sae).</summary>
    public double CrossEntropyClean => _cleanCrossEntropy / PredictedTokens;

    /// <summary>Mean cross-entropy with the dictionary's reconstruction (ce_loss_with_sae).</summary>
    public double CrossEntropyWithDictionary => _dictionaryCrossEntropy / PredictedTokens;

    /// <summary>Mean cross-entropy with the activation zero-ablated (ce_loss_with_ablation).</summary>
    public double CrossEntropyWithAblation => _ablatedCrossEntropy / PredictedTokens;

    /// <summary>Mean KL(clean ‖ with dictionary) per position (kl_div_with_sae).</summary>
    public double KlWithDictionary => _dictionaryKl / Positions;

    /// <summary>Mean KL(clean ‖ ablated) per position (kl_div_with_ablation).</summary>
    public double KlWithAblation => _ablatedKl / Positions;

    /// <summary>(CE_ablation − CE_sae) / (CE_ablation − CE_clean).</summary>
    public double CrossEntropyScore => (CrossEntropyWithAblation - CrossEntropyWithDictionary) / (CrossEntropyWithAblation - CrossEntropyClean);

    /// <summary>(KL_ablation − KL_sae) / KL_ablation.</summary>
    public double KlScore => (KlWithAblation - KlWithDictionary) / KlWithAblation;

    /// <summary>Adds one batch given its shared reference and the logits with this dictionary spliced in.</summary>
    /// <param name="reference">The batch's clean and ablated values (not disposed).</param>
    /// <param name="dictionaryLogits">Logits [B, T, V] of the model with the reconstruction in place (not disposed).</param>
    public void Add(NextTokenReference reference, Tensor dictionaryLogits)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(dictionaryLogits);
        if (!dictionaryLogits.shape.SequenceEqual(reference.CleanLogProbs.shape))
            throw new ArgumentException($"dictionaryLogits must be [{string.Join(", ", reference.CleanLogProbs.shape)}] like the clean logits, got [{string.Join(", ", dictionaryLogits.shape)}]", nameof(dictionaryLogits));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor logProbs = NextTokenReference.LogProbs(dictionaryLogits);
        _dictionaryCrossEntropy += NextTokenReference.CrossEntropySum(logProbs, reference.Targets);
        _dictionaryKl += NextTokenReference.KlSum(reference.CleanLogProbs, logProbs);
        _cleanCrossEntropy += reference.CleanCrossEntropySum;
        _ablatedCrossEntropy += reference.AblatedCrossEntropySum;
        _ablatedKl += reference.AblatedKlSum;
        PredictedTokens += reference.Sequences * (reference.Positions - 1);
        Positions += reference.Sequences * reference.Positions;
    }

    /// <summary>Adds one batch from the three sets of logits [B, T, V] and the token ids [B, T] (none disposed).</summary>
    public void Add(Tensor cleanLogits, Tensor dictionaryLogits, Tensor ablatedLogits, Tensor ids)
    {
        using NextTokenReference reference = NextTokenReference.Create(cleanLogits, ablatedLogits, ids);
        Add(reference, dictionaryLogits);
    }
}
