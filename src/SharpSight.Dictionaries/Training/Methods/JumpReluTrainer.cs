using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training.Methods;

/// <summary>
/// JumpReLU with straight-through estimators of bandwidth ε. Sparsity penalty, by <see cref="DictionaryTrainingOptions.JumpReluSparsity"/>:
/// L0-target λ·s(t)·(L0/target − 1)² with unit-norm decoder rows (dictionary_learning); step λ·s(t)·L0 (the JumpReLU
/// paper, SAELens "step"); tanh λ·s(t)·Σᵢ tanh(c·fᵢ‖W_dec,i‖) (SAELens "tanh"). L0 is the batch mean of Σᵢ 1[preᵢ &gt; θᵢ].
/// </summary>
public sealed class JumpReluTrainer : DictionaryTrainer
{
    private readonly JumpReluDictionary _jump;

    /// <summary>Wraps an initialised JumpReLU dictionary.</summary>
    public JumpReluTrainer(JumpReluDictionary dictionary, DictionaryTrainingOptions options) : base(dictionary, options) => _jump = dictionary;

    /// <inheritdoc />
    public override LossTerms Loss(Tensor x)
    {
        Tensor pre = Dictionary.PreActivations(x);
        Tensor features = _jump.EncodeWithStraightThrough(pre, Options.Bandwidth);
        Tensor reconstructed = Dictionary.Decode(features);
        Tensor reconstruction = SquaredError(x, reconstructed);
        Tensor sparsity = Options.JumpReluSparsity switch
        {
            JumpReluSparsity.L0Target => (_jump.L0WithStraightThrough(pre, Options.Bandwidth).mean() / Options.TargetL0 - 1).pow(2),
            JumpReluSparsity.Step => _jump.L0WithStraightThrough(pre, Options.Bandwidth).mean(),
            _ => (Options.TanhScale * features * Dictionary.DecoderNorms()).tanh().sum(-1).mean(),
        };
        return new LossTerms(reconstruction + CurrentCoefficient * sparsity, reconstruction, sparsity, null, features, reconstructed);
    }
}
