using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Architectures;

/// <summary>
/// BatchTopK (Bussmann et al.): during training the k·B largest entries of ReLU(pre) over a whole batch of B rows are
/// kept, so k features fire per row on average. Inference uses a threshold θ learned during training (an average of the
/// smallest kept activation): f = ReLU(pre)·1[ReLU(pre) &gt; θ], which is a JumpReLU with equal thresholds, and that is how it
/// is saved. Until a threshold is set (θ &lt; 0), inference falls back to the batch rule. Matryoshka dictionaries are BatchTopK.
/// </summary>
public sealed class BatchTopKDictionary : SparseDictionary
{
    /// <summary>Creates a BatchTopK dictionary with zero parameters and no threshold yet.</summary>
    public BatchTopKDictionary(DictionaryConfig config) : base(config)
    {
        Threshold = Add("threshold", full(config.Width, -1f));
        Threshold.requires_grad = false;
    }

    /// <summary>Features kept per row on average.</summary>
    public int K => Config.K;

    /// <summary>Inference threshold per feature [d_sae] (all equal after training; negative = not set).</summary>
    public Parameter Threshold { get; }

    /// <summary>True once a threshold has been learned.</summary>
    public bool HasThreshold
    {
        get
        {
            using Tensor smallest = Threshold.min();
            return smallest.item<float>() >= 0;
        }
    }

    /// <inheritdoc />
    public override Tensor Encode(Tensor x)
    {
        if (!HasThreshold) return EncodeBatch(x);
        using Tensor active = nn.functional.relu(PreActivations(x));
        return active * active.gt(Threshold);
    }

    /// <summary>The training rule: keeps the k·B largest of ReLU(pre) over all B rows of x [.., d_in].</summary>
    public Tensor EncodeBatch(Tensor x)
    {
        using Tensor active = nn.functional.relu(PreActivations(x));
        return KeepBatchTopK(active, K);
    }

    /// <summary>Zeroes all but the k·rows largest entries of <paramref name="values"/> [.., d_sae] taken together.</summary>
    public static Tensor KeepBatchTopK(Tensor values, int k)
    {
        long width = values.shape[^1];
        long rows = values.numel() / width;
        using Tensor flat = values.reshape(-1);
        (Tensor top, Tensor indices) = flat.topk((int)Math.Min(k * rows, flat.numel()), sorted: false);
        using (top)
        using (indices)
        using (Tensor kept = zeros_like(flat).scatter(0, indices, top))
            return kept.reshape(values.shape);
    }

    /// <inheritdoc />
    public override void ScaleBiases(double factor)
    {
        base.ScaleBiases(factor);
        using var noGrad = no_grad();
        if (HasThreshold) Threshold.mul_(factor);
    }

    /// <inheritdoc />
    protected override void ScaleFeatures(Tensor scales)
    {
        // Refuse before scaling anything, so a refused fold leaves the dictionary as it was.
        if (!HasThreshold)
        {
            using Tensor unit = (scales - 1).abs().max();
            if (unit.item<float>() > 1e-5f)
                throw new InvalidOperationException("a BatchTopK dictionary without a learned threshold cannot fold its decoder norms: its batch top-k " +
                    "selection depends on each feature's scale");
        }
        base.ScaleFeatures(scales);
        if (HasThreshold) Threshold.mul_(scales);
    }
}
