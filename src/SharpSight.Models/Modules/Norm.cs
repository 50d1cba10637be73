using SharpSight.Models.Architecture;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace SharpSight.Models.Modules;

/// <summary>LayerNorm or RMSNorm over the last dimension, with Hugging Face's numerics for each family.</summary>
public sealed class Norm : nn.Module
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    [ComponentName(Name = "bias")] private readonly Parameter? _bias;
    private readonly NormKind _kind;
    private readonly double _eps;
    private readonly long[] _normalizedShape;

    /// <summary>Creates an uninitialised norm of width <paramref name="width"/>.</summary>
    public Norm(NormKind kind, int width, double eps, ScalarType dtype, Device device) : base(nameof(Norm))
    {
        _kind = kind;
        _eps = eps;
        _normalizedShape = [width];
        _weight = new Parameter(empty(width, dtype, device), requires_grad: false);
        if (kind == NormKind.LayerNorm) _bias = new Parameter(empty(width, dtype, device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>The scale vector.</summary>
    public Parameter Weight => _weight;

    /// <summary>The shift vector (LayerNorm only).</summary>
    public Parameter? Bias => _bias;

    /// <summary>Normalises the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        switch (_kind)
        {
            case NormKind.LayerNorm:
                return nn.functional.layer_norm(x, _normalizedShape, _weight, _bias, _eps);
            case NormKind.RmsNorm:
            {
                // Llama: normalise in float32 (float64 stays float64), cast back, then scale in the input dtype.
                using Tensor x32 = x.to(Accumulation(x.dtype));
                using Tensor normalized = RmsNormalize(x32);
                using Tensor back = normalized.to(x.dtype);
                return _weight * back;
            }
            case NormKind.RmsNormOffsetOne:
            {
                // Gemma: normalise and scale by (1 + weight) in float32 (float64 stays float64), then cast back.
                using Tensor x32 = x.to(Accumulation(x.dtype));
                using Tensor normalized = RmsNormalize(x32);
                using Tensor w32 = _weight.to(x32.dtype);
                using Tensor scale = w32 + 1.0;
                using Tensor scaled = normalized * scale;
                return scaled.to(x.dtype);
            }
            default:
                throw new InvalidOperationException($"unknown norm {_kind}");
        }
    }

    /// <summary>The dtype norms and softmax accumulate in: float32, or float64 for float64 models.</summary>
    public static ScalarType Accumulation(ScalarType dtype) => dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    private Tensor RmsNormalize(Tensor x32)
    {
        using Tensor squares = x32.pow(2);
        using Tensor variance = squares.mean([-1L], keepdim: true);
        using Tensor shifted = variance + _eps;
        using Tensor inverse = shifted.rsqrt();
        return x32 * inverse;
    }
}
