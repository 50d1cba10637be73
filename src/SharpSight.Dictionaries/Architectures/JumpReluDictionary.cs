using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Architectures;

/// <summary>
/// JumpReLU (Rajamanoharan et al.): f = ReLU(pre)·1[pre &gt; θᵢ] with a learned threshold θᵢ per feature. The jump is not
/// differentiable in θ; training uses straight-through estimators with a rectangle kernel of width ε (the bandwidth).
/// </summary>
public sealed class JumpReluDictionary : SparseDictionary
{
    /// <summary>Creates a JumpReLU dictionary with zero parameters.</summary>
    public JumpReluDictionary(DictionaryConfig config) : base(config) => Threshold = Add("threshold", zeros(config.Width));

    /// <summary>θ [d_sae].</summary>
    public Parameter Threshold { get; }

    /// <inheritdoc />
    public override Tensor Encode(Tensor x)
    {
        using Tensor pre = PreActivations(x);
        return nn.functional.relu(pre) * pre.gt(Threshold);
    }

    /// <summary>
    /// The training forward: the same features, with the JumpReLU paper's pseudo-derivatives: ∂f/∂pre = 1[pre &gt; θ] and
    /// ∂f/∂θ = −(θ/ε)·K((pre − θ)/ε), K the rectangle 1[|u| &lt; ½].
    /// </summary>
    public Tensor EncodeWithStraightThrough(Tensor pre, double bandwidth)
    {
        using var scope = NewDisposeScope();
        Tensor open = pre.gt(Threshold).to(pre.dtype).detach();
        Tensor thresholdSlope = (-(Threshold / bandwidth) * Rectangle((pre - Threshold) / bandwidth)).detach();
        // Value: ReLU(pre)·1[pre > θ]. The second term is zero in value and carries the θ slope.
        Tensor features = nn.functional.relu(pre) * open + thresholdSlope * (Threshold - Threshold.detach());
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The number of active features per row, Σᵢ 1[pre &gt; θᵢ] [..], with the step function's pseudo-derivative
    /// ∂/∂θ = −(1/ε)·K((pre − θ)/ε) and none towards pre (the L0 penalty trains the thresholds only).
    /// </summary>
    public Tensor L0WithStraightThrough(Tensor pre, double bandwidth)
    {
        using var scope = NewDisposeScope();
        Tensor open = pre.gt(Threshold).to(pre.dtype).detach();
        Tensor thresholdSlope = (-(1.0 / bandwidth) * Rectangle((pre - Threshold) / bandwidth)).detach();
        Tensor steps = open + thresholdSlope * (Threshold - Threshold.detach());
        return steps.sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>K(u) = 1 for |u| &lt; ½, else 0.</summary>
    public static Tensor Rectangle(Tensor u) => u.abs().lt(0.5).to(u.dtype);

    /// <inheritdoc />
    public override void Initialize(TorchSharp.torch.Generator generator, double decoderNorm)
    {
        base.Initialize(generator, decoderNorm);
        using var noGrad = no_grad();
        Threshold.fill_(0.001);
    }

    /// <inheritdoc />
    public override void ScaleBiases(double factor)
    {
        base.ScaleBiases(factor);
        using var noGrad = no_grad();
        Threshold.mul_(factor);
    }

    /// <inheritdoc />
    protected override void ScaleFeatures(Tensor scales)
    {
        base.ScaleFeatures(scales);
        Threshold.mul_(scales);
    }
}
