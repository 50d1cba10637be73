using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training.Methods;

/// <summary>
/// Gated dictionaries (Rajamanoharan et al.): L = ‖x − x̂‖² + λ·s(t)·‖ReLU(π_gate)‖₁ + ‖x − (ReLU(π_gate) W_dec + b_dec)‖²,
/// the last term with the decoder held fixed, so it trains the gate path to reconstruct on its own; unit-norm decoder rows.
/// </summary>
public sealed class GatedTrainer : DictionaryTrainer
{
    private readonly GatedDictionary _gated;

    /// <summary>Wraps an initialised Gated dictionary.</summary>
    public GatedTrainer(GatedDictionary dictionary, DictionaryTrainingOptions options) : base(dictionary, options) => _gated = dictionary;

    /// <inheritdoc />
    public override LossTerms Loss(Tensor x)
    {
        GatedPreActivations paths = _gated.Paths(x);
        Tensor features = paths.Gate.gt(0).to(x.dtype) * nn.functional.relu(paths.Magnitude);
        Tensor reconstructed = Dictionary.Decode(features);
        Tensor reconstruction = SquaredError(x, reconstructed);
        Tensor gateActive = nn.functional.relu(paths.Gate);
        Tensor sparsity = gateActive.sum(-1).mean();
        Tensor gateReconstruction = matmul(gateActive, Dictionary.DecoderWeight.detach()) + Dictionary.DecoderBias.detach();
        Tensor auxiliary = SquaredError(x, gateReconstruction);
        return new LossTerms(reconstruction + CurrentCoefficient * sparsity + auxiliary, reconstruction, sparsity, auxiliary, features, reconstructed);
    }
}
