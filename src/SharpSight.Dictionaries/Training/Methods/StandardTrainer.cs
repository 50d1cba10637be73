using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training.Methods;

/// <summary>
/// ReLU dictionaries with an L1 penalty: L = ‖x − x̂‖² + λ·s(t)·‖f‖₁ with unit-norm decoder rows (Standard), or
/// L = ‖x − x̂‖² + λ·s(t)·Σᵢ fᵢ‖W_dec,i‖ with free decoder norms ("April update"). Standard also resamples dead features
/// every <see cref="DictionaryTrainingOptions.ResampleEvery"/> steps (Bricken et al.): each dead feature gets an input
/// drawn with probability ∝ ‖x − x̂‖ as its decoder direction, 0.2 × the mean live encoder norm along it as its encoder,
/// a zero bias, and fresh Adam moments.
/// </summary>
public class StandardTrainer : DictionaryTrainer
{
    private long _resampleWindowTokens = long.MaxValue;

    /// <summary>Wraps an initialised ReLU dictionary.</summary>
    public StandardTrainer(ReluDictionary dictionary, DictionaryTrainingOptions options) : base(dictionary, options)
    {
    }

    /// <summary>The sparsity penalty of features f [batch, d_sae] (batch mean).</summary>
    protected virtual Tensor Penalty(Tensor features) => Options.Method == TrainingMethod.April
        ? (features * Dictionary.DecoderNorms()).sum(-1).mean()
        : features.sum() / features.shape[0];   // ‖f‖₁ without abs: ReLU features are ≥ 0 (saves two passes over [batch, width])

    /// <inheritdoc />
    public override LossTerms Loss(Tensor x)
    {
        Tensor features = Dictionary.Encode(x);
        Tensor reconstructed = Dictionary.Decode(features);
        Tensor reconstruction = SquaredError(x, reconstructed);
        Tensor sparsity = Penalty(features);
        return new LossTerms(reconstruction + CurrentCoefficient * sparsity, reconstruction, sparsity, null, features, reconstructed);
    }

    /// <inheritdoc />
    protected override long DeadWindowTokens => Options.ResampleEvery > 0 ? _resampleWindowTokens : base.DeadWindowTokens;

    /// <inheritdoc />
    protected override void AfterStep(Tensor x, LossTerms terms)
    {
        if (Options.ResampleEvery <= 0) return;
        _resampleWindowTokens = Options.ResampleEvery / 2 * x.shape[0];
        if ((Step + 1) % Options.ResampleEvery == 0) Resample(x);
    }

    private void Resample(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor dead = DeadFeatures();
        long deadCount = dead.sum().item<long>();
        if (deadCount == 0 || deadCount == Dictionary.Width) return;
        using var generator = new Generator(Options.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(Step + 1)));
        Tensor errors = (x - Dictionary.Forward(x).Reconstruction).norm(1).clamp_min(1e-12);
        long count = Math.Min(deadCount, x.shape[0]);
        Tensor sampled = x.index_select(0, errors.multinomial(count, replacement: false, generator: generator));
        Tensor chosen = dead.nonzero().reshape(-1).narrow(0, 0, count);

        Tensor alive = dead.logical_not();
        double aliveNorm = Dictionary.EncoderWeight.index_select(1, alive.nonzero().reshape(-1)).norm(0).mean().item<float>();
        Dictionary.EncoderWeight.index_copy_(1, chosen, (sampled * (aliveNorm * 0.2)).t());
        Dictionary.DecoderWeight.index_copy_(0, chosen, sampled / sampled.norm(1, keepdim: true).clamp_min(1e-12));
        Dictionary.EncoderBias!.index_fill_(0, chosen, 0);
        foreach ((string name, int dim) in new[] { ("W_enc", 1), ("W_dec", 0), ("b_enc", 0) })
        {
            (Tensor first, Tensor second) = Optimizer.Moments(name);
            first.index_fill_(dim, chosen, 0);
            second.index_fill_(dim, chosen, 0);
        }
        TokensSinceFired.index_fill_(0, chosen, 0);
    }
}
