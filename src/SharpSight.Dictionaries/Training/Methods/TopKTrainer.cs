using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training.Methods;

/// <summary>
/// TopK, BatchTopK and Matryoshka BatchTopK. Loss: ‖x − x̂‖² + α·AuxK with unit-norm decoder rows and b_dec initialised
/// to the geometric median of the first batch. AuxK (Gao et al.) asks the k_aux largest pre-activations of the dead
/// features to reconstruct the residual e = x − x̂ (held fixed): ‖e − W_decᵀ f_aux‖² / ‖e − ē‖², zero with no dead feature.
/// Matryoshka replaces the reconstruction term by Σᵢ wᵢ‖x − (b_dec + f₁..ᵢ W₁..ᵢ)‖² over the nested prefixes of its feature groups.
/// BatchTopK learns its inference threshold as an exponential average of the smallest kept activation of each batch.
/// </summary>
public sealed class TopKTrainer : DictionaryTrainer
{
    private readonly int[] _prefixEnds;
    private readonly double[] _weights;

    /// <summary>Wraps an initialised TopK or BatchTopK dictionary.</summary>
    public TopKTrainer(SparseDictionary dictionary, DictionaryTrainingOptions options) : base(dictionary, options)
    {
        if (dictionary is not (TopKDictionary or BatchTopKDictionary))
            throw new ArgumentException($"{options.Method} trains TopK or BatchTopK dictionaries, not {dictionary.Config.Architecture}");
        IReadOnlyList<int> groups = options.Method == TrainingMethod.Matryoshka
            ? dictionary.Config.MatryoshkaGroups ?? throw new ArgumentException("Matryoshka training needs the dictionary's group sizes (MatryoshkaGroups)")
            : [dictionary.Width];
        _prefixEnds = [.. groups.Select((_, i) => groups.Take(i + 1).Sum())];
        _weights = options.MatryoshkaWeights is { } w && options.Method == TrainingMethod.Matryoshka
            ? (w.Count == groups.Count ? [.. w] : throw new ArgumentException($"{groups.Count} Matryoshka groups but {w.Count} weights"))
            : [.. groups.Select(_ => 1.0 / groups.Count)];
    }

    private int K => Dictionary.Config.K;

    /// <inheritdoc />
    public override LossTerms Loss(Tensor x)
    {
        Tensor pre = Dictionary.PreActivations(x);
        Tensor features, reconstructed;
        if (Dictionary is TopKDictionary)
        {
            // Exactly k features per row: decode from the k kept rows of W_dec, not a dense product with a mostly-zero matrix.
            // ReLU is monotone, so the k largest pre-activations are the k largest of ReLU(pre) (ties at 0 aside, which
            // contribute 0 either way): ReLU runs on the k kept values only, not on the whole [batch, width].
            Tensor indices;
            using (no_grad()) (_, indices) = pre.topk(K, dim: -1, sorted: false);
            Tensor values = nn.functional.relu(pre.gather(1, indices));
            reconstructed = DecodeKept(values, indices) + Dictionary.DecoderBias;
            features = zeros_like(pre).scatter(1, indices, values.detach());
        }
        else
        {
            // BatchTopK: rows keep different numbers of features; decode densely.
            Tensor active = nn.functional.relu(pre), flat;
            using (no_grad()) (_, flat) = active.reshape(-1).topk((int)Math.Min(K * active.shape[0], active.numel()), sorted: false);
            features = zeros([active.numel()], active.dtype, active.device).scatter(0, flat, active.reshape(-1).gather(0, flat)).view(active.shape);
            reconstructed = Dictionary.Decode(features);
        }
        Tensor reconstruction = SquaredError(x, reconstructed);
        Tensor fit = _prefixEnds.Length == 1 ? reconstruction : PrefixLosses(x, features);
        Tensor auxiliary = AuxK(x - reconstructed, pre);
        return new LossTerms(fit + Options.AuxKCoefficient * auxiliary, reconstruction, zeros([]), auxiliary, features, reconstructed);
    }

    /// <summary>Σⱼ values[b, j] · W_dec[indices[b, j]] for each row b (no decoder bias), with gradients to both.</summary>
    private Tensor DecodeKept(Tensor values, Tensor indices) => SparseDecode.Apply(values, indices, Dictionary.DecoderWeight);

    /// <summary>Σᵢ wᵢ‖x − (b_dec + Σ_{j &lt; end(i)} f_j W_j)‖², batch mean.</summary>
    private Tensor PrefixLosses(Tensor x, Tensor features)
    {
        Tensor total = zeros([], x.dtype, x.device);
        for (int i = 0; i < _prefixEnds.Length; i++)
        {
            int end = _prefixEnds[i];
            Tensor prefix = matmul(features.narrow(-1, 0, end), Dictionary.DecoderWeight.narrow(0, 0, end)) + Dictionary.DecoderBias;
            total = total + _weights[i] * SquaredError(x, prefix);
        }
        return total;
    }

    // The k_aux largest ReLU(pre) among dead features decode the residual (ReLU applied to the chosen values, as above).
    private Tensor AuxK(Tensor residual, Tensor pre)
    {
        Tensor dead = DeadFeatures();
        long deadCount = dead.sum().item<long>();
        if (deadCount == 0) return zeros([], residual.dtype, residual.device);
        int kAux = (int)Math.Min(Options.AuxK ?? Dictionary.InputSize / 2, deadCount);
        Tensor indices;
        using (no_grad()) (_, indices) = pre.masked_fill(dead.logical_not(), double.NegativeInfinity).topk(kAux, dim: -1, sorted: false);
        Tensor auxReconstruction = DecodeKept(nn.functional.relu(pre.gather(1, indices)), indices);
        Tensor target = residual.detach();
        Tensor error = (target - auxReconstruction).pow(2).sum(-1).mean();
        Tensor scale = (target - target.mean([0L], keepdim: true)).pow(2).sum(-1).mean();
        return (error / scale).nan_to_num(0, 0, 0);
    }

    /// <inheritdoc />
    protected override void OnFirstBatch(Tensor x)
    {
        if (!(Options.GeometricMedianInit ?? true)) return;
        using var noGrad = no_grad();
        using Tensor median = GeometricMedian.Of(x);
        Dictionary.DecoderBias.copy_(median);
    }

    /// <inheritdoc />
    protected override void AfterStep(Tensor x, LossTerms terms)
    {
        if (Dictionary is not BatchTopKDictionary batch || Step < Options.ThresholdStartStep) return;
        Tensor features = terms.Features.detach();
        Tensor kept = features.masked_select(features.gt(0));
        float smallest = kept.numel() == 0 ? 0f : kept.min().item<float>();
        if (batch.HasThreshold) batch.Threshold.mul_(Options.ThresholdBeta).add_((1 - Options.ThresholdBeta) * smallest);
        else batch.Threshold.fill_(smallest);
    }
}
