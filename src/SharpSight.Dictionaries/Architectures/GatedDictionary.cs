using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Architectures;

/// <summary>The two encoder paths of a Gated dictionary for one input.</summary>
/// <param name="Gate">π_gate = (x − b_dec) W_enc + b_gate: a feature fires where it is positive.</param>
/// <param name="Magnitude">π_mag = exp(r_mag) ⊙ (x − b_dec) W_enc + b_mag: ReLU of it is how strongly.</param>
public sealed record GatedPreActivations(Tensor Gate, Tensor Magnitude) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Gate.Dispose();
        Magnitude.Dispose();
    }
}

/// <summary>
/// Gated sparse autoencoder (Rajamanoharan et al.): f = 1[π_gate &gt; 0] ⊙ ReLU(π_mag), the two paths sharing W_enc (the
/// magnitude path rescales it per feature by exp(r_mag)). SAELens names: b_gate, r_mag, b_mag.
/// </summary>
public sealed class GatedDictionary : SparseDictionary
{
    /// <summary>Creates a Gated dictionary with zero parameters.</summary>
    public GatedDictionary(DictionaryConfig config) : base(config, hasEncoderBias: false)
    {
        GateBias = Add("b_gate", zeros(config.Width));
        MagnitudeScale = Add("r_mag", zeros(config.Width));
        MagnitudeBias = Add("b_mag", zeros(config.Width));
    }

    /// <summary>b_gate [d_sae].</summary>
    public Parameter GateBias { get; }

    /// <summary>r_mag [d_sae] (log of the magnitude path's per-feature scale).</summary>
    public Parameter MagnitudeScale { get; }

    /// <summary>b_mag [d_sae].</summary>
    public Parameter MagnitudeBias { get; }

    /// <summary>Both paths' pre-activations.</summary>
    public GatedPreActivations Paths(Tensor x)
    {
        using Tensor projected = Project(x);
        return new GatedPreActivations(projected + GateBias, projected * MagnitudeScale.exp() + MagnitudeBias);
    }

    /// <inheritdoc />
    public override Tensor PreActivations(Tensor x) => Project(x) + GateBias;

    /// <inheritdoc />
    public override Tensor Encode(Tensor x)
    {
        using GatedPreActivations paths = Paths(x);
        return paths.Gate.gt(0).to(paths.Magnitude.dtype) * nn.functional.relu(paths.Magnitude);
    }

    /// <inheritdoc />
    public override void ScaleBiases(double factor)
    {
        base.ScaleBiases(factor);
        using var noGrad = no_grad();
        GateBias.mul_(factor);
        MagnitudeBias.mul_(factor);
    }

    /// <inheritdoc />
    protected override void ScaleFeatures(Tensor scales)
    {
        base.ScaleFeatures(scales);
        GateBias.mul_(scales);
        MagnitudeBias.mul_(scales);
    }
}
