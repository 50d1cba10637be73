using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Evals.Probing;

/// <summary>How to fit a probe.</summary>
public sealed record ProbeOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Examples per optimiser step.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>AdamW weight decay (an L2-like penalty on the probe weights).</summary>
    public double WeightDecay { get; init; } = 1e-3;

    /// <summary>Seed of the initialisation and of the batch order.</summary>
    public long Seed { get; init; }
}

/// <summary>
/// Linear probes: for each of <see cref="Targets"/> targets (e.g. the 64 squares of a board) a multinomial logistic
/// regression from a feature vector (an activation) to one of <see cref="Classes"/> classes (e.g. empty / mine / theirs).
/// Features are standardised with the training set's mean and spread. Fitted with AdamW on the summed cross-entropy.
/// </summary>
public sealed class LinearProbe : IDisposable
{
    private readonly Tensor _weight;   // [targets, d, classes]
    private readonly Tensor _bias;     // [targets, classes]
    private readonly Tensor _mean, _scale;

    private LinearProbe(Tensor weight, Tensor bias, Tensor mean, Tensor scale)
    {
        _weight = weight;
        _bias = bias;
        _mean = mean;
        _scale = scale;
    }

    /// <summary>Targets predicted per example.</summary>
    public long Targets => _weight.shape[0];

    /// <summary>Classes per target.</summary>
    public long Classes => _weight.shape[2];

    /// <summary>Fits probes to features [examples, d] and integer labels [examples, targets] in 0..classes-1.</summary>
    public static LinearProbe Fit(Tensor features, Tensor labels, int classes, ProbeOptions? options = null)
    {
        options ??= new ProbeOptions();
        if (features.dim() != 2) throw new ArgumentException($"features must be [examples, d], got [{string.Join(", ", features.shape)}]");
        if (labels.dim() != 2 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"labels must be [examples, targets] with {features.shape[0]} examples, got [{string.Join(", ", labels.shape)}]");
        if (labels.numel() > 0 && (labels.min().item<long>() < 0 || labels.max().item<long>() >= classes))
            throw new ArgumentException($"labels must lie in 0..{classes - 1}");

        long examples = features.shape[0], d = features.shape[1], targets = labels.shape[1];
        using var generator = new Generator((ulong)options.Seed);
        using Tensor x = features.detach().to(ScalarType.Float32);
        Tensor mean = x.mean([0L], keepdim: true).DetachFromDisposeScope();
        Tensor scale = (x.std(0, keepdim: true) + 1e-6).DetachFromDisposeScope();
        var weight = new TorchSharp.Modules.Parameter(zeros([targets, d, classes]));
        var bias = new TorchSharp.Modules.Parameter(zeros([targets, classes]));
        var optimizer = optim.AdamW([weight, bias], options.LearningRate, weight_decay: options.WeightDecay);
        using Tensor y = labels.to(ScalarType.Int64);

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            using Tensor order = randperm(examples, generator: generator);
            for (long start = 0; start < examples; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                Tensor batch = order.narrow(0, start, Math.Min(options.BatchSize, examples - start));
                Tensor logits = Logits((x.index_select(0, batch) - mean) / scale, weight, bias);       // [b, targets, classes]
                Tensor loss = nn.functional.cross_entropy(logits.reshape(-1, classes), y.index_select(0, batch).reshape(-1)) * targets;
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        optimizer.Dispose();
        var probe = new LinearProbe(weight.detach().clone().DetachFromDisposeScope(), bias.detach().clone().DetachFromDisposeScope(), mean, scale);
        weight.Dispose();
        bias.Dispose();
        return probe;
    }

    /// <summary>Predicted classes [examples, targets].</summary>
    public Tensor Predict(Tensor features)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor logits = Logits((features.to(ScalarType.Float32) - _mean) / _scale, _weight, _bias);
        return logits.argmax(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Class logits [examples, targets, classes] of features [examples, d].</summary>
    public Tensor Logits(Tensor features)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Logits((features.to(ScalarType.Float32) - _mean) / _scale, _weight, _bias).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The direction [d] in the raw feature space along which class <paramref name="to"/>'s logit of one target rises
    /// against class <paramref name="from"/>'s: adding α times it raises that logit gap by α times its squared norm.
    /// </summary>
    public Tensor Direction(int target, int from, int to)
    {
        using var scope = NewDisposeScope();
        Tensor weights = _weight[target];                                            // [d, classes]
        return ((weights[.., to] - weights[.., from]) / _scale[0]).MoveToOuterDisposeScope();
    }

    /// <summary>Share of correct predictions, over all targets, or only where <paramref name="mask"/> [examples, targets] is true.</summary>
    public double Accuracy(Tensor features, Tensor labels, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        Tensor correct = Predict(features).eq(labels.to(ScalarType.Int64));
        if (mask is null) return correct.to(ScalarType.Float64).mean().item<double>();
        Tensor selected = mask.to(ScalarType.Bool);
        long count = selected.sum().item<long>();
        return count == 0 ? double.NaN : (correct & selected).sum().item<long>() / (double)count;
    }

    // x [b, d] · weight [targets, d, classes] → [b, targets, classes]
    private static Tensor Logits(Tensor x, Tensor weight, Tensor bias) => einsum("bd,tdc->btc", x, weight) + bias;

    /// <inheritdoc />
    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
        _mean.Dispose();
        _scale.Dispose();
    }
}
