using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries;

/// <summary>A reconstruction and the features that produced it; the caller disposes both.</summary>
/// <param name="Reconstruction">x̂ [.., d_in].</param>
/// <param name="Features">f [.., d_sae].</param>
public sealed record DictionaryOutput(Tensor Reconstruction, Tensor Features) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Reconstruction.Dispose();
        Features.Dispose();
    }
}

/// <summary>
/// A sparse dictionary (sparse autoencoder): features f = σ((x − b_dec) W_enc + b_enc) and reconstruction x̂ = f W_dec + b_dec,
/// with the parameter names and layouts of SAELens (W_enc [d_in, d_sae], W_dec [d_sae, d_in]), so files map one to one.
/// The architectures differ only in σ (and Gated in its encoder); trainers own the losses.
/// </summary>
public abstract class SparseDictionary : nn.Module
{
    /// <summary>Creates the parameters (zeros; see <see cref="Initialize"/>).</summary>
    protected SparseDictionary(DictionaryConfig config, bool hasEncoderBias = true) : base(config.Architecture.ToString())
    {
        config.Validate();
        Config = config;
        EncoderWeight = Add("W_enc", zeros(config.InputSize, config.Width));
        DecoderWeight = Add("W_dec", zeros(config.Width, config.InputSize));
        DecoderBias = Add("b_dec", zeros(config.InputSize));
        if (hasEncoderBias) EncoderBias = Add("b_enc", zeros(config.Width));
    }

    /// <summary>Shape and kind.</summary>
    public DictionaryConfig Config { get; }

    /// <summary>d_in.</summary>
    public int InputSize => Config.InputSize;

    /// <summary>Number of features, d_sae.</summary>
    public int Width => Config.Width;

    /// <summary>W_enc [d_in, d_sae].</summary>
    public Parameter EncoderWeight { get; }

    /// <summary>b_enc [d_sae] (null for Gated, whose encoder has gate and magnitude biases instead).</summary>
    public Parameter? EncoderBias { get; }

    /// <summary>W_dec [d_sae, d_in]: row i is feature i's direction in activation space.</summary>
    public Parameter DecoderWeight { get; }

    /// <summary>b_dec [d_in].</summary>
    public Parameter DecoderBias { get; }

    /// <summary>The parameters by SAELens name, in a fixed order.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters => [.. named_parameters().Select(p => (p.name, p.parameter))];

    /// <summary>(x − b_dec) W_enc, the input projected on the encoder directions [.., d_sae].</summary>
    public Tensor Project(Tensor x) => matmul(Config.ApplyDecoderBiasToInput ? x - DecoderBias : x, EncoderWeight);

    /// <summary>Pre-activations (x − b_dec) W_enc + b_enc [.., d_sae] (Gated: its gate pre-activations).</summary>
    public virtual Tensor PreActivations(Tensor x) => Project(x) + EncoderBias!;

    /// <summary>Features f [.., d_sae] of activations x [.., d_in] (inference rule of the architecture).</summary>
    public abstract Tensor Encode(Tensor x);

    /// <summary>Reconstruction x̂ = f W_dec + b_dec.</summary>
    public Tensor Decode(Tensor features) => matmul(features, DecoderWeight) + DecoderBias;

    /// <summary>Encodes and decodes.</summary>
    public DictionaryOutput Forward(Tensor x)
    {
        Tensor features = Encode(x);
        return new DictionaryOutput(Decode(features), features);
    }

    /// <summary>Feature directions: W_dec's rows scaled to unit norm [d_sae, d_in].</summary>
    public Tensor DecoderDirections()
    {
        using var noGrad = no_grad();
        return DecoderWeight / DecoderNorms().unsqueeze(1);
    }

    /// <summary>‖W_dec row i‖ for every feature [d_sae].</summary>
    public Tensor DecoderNorms() => DecoderWeight.norm(1, keepdim: false);

    /// <summary>
    /// Moves each decoder row's norm into the encoder (SAELens fold_W_dec_norm, dictionary_learning normalize_decoder):
    /// W_dec rows become unit vectors and feature i scales by ‖W_dec row i‖, so reconstructions are unchanged.
    /// </summary>
    public void FoldDecoderNorms()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor norms = DecoderNorms().clamp_min(1e-12);
        ScaleFeatures(norms);
        DecoderWeight.div_(norms.unsqueeze(1));
    }

    /// <summary>
    /// Multiplies every bias and threshold by <paramref name="factor"/>: after training on inputs divided by a constant c,
    /// scaling by c makes the dictionary read raw activations (linear maps are unchanged, biases carry the units).
    /// </summary>
    public virtual void ScaleBiases(double factor)
    {
        using var noGrad = no_grad();
        DecoderBias.mul_(factor);
        EncoderBias?.mul_(factor);
    }

    /// <summary>
    /// Random initialisation: decoder rows in random directions with norm <paramref name="decoderNorm"/>, encoder = decoderᵀ,
    /// zero biases (the common choice of SAELens and dictionary_learning). Architectures add their thresholds.
    /// </summary>
    public virtual void Initialize(Generator generator, double decoderNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor directions = randn([Width, InputSize], generator: generator);
        directions.div_(directions.norm(1, keepdim: true)).mul_(decoderNorm);
        DecoderWeight.copy_(directions);
        EncoderWeight.copy_(directions.t());
        DecoderBias.zero_();
        EncoderBias?.zero_();
    }

    /// <summary>Feature i's pre-activation (and so its value) scales by <paramref name="scales"/>[i]: encoder column, bias, thresholds.</summary>
    protected virtual void ScaleFeatures(Tensor scales)
    {
        EncoderWeight.mul_(scales);
        EncoderBias?.mul_(scales);
    }

    /// <summary>Registers a parameter under its SAELens name.</summary>
    protected Parameter Add(string name, Tensor initial)
    {
        var parameter = new Parameter(initial, requires_grad: true);
        register_parameter(name, parameter);
        return parameter;
    }
}
