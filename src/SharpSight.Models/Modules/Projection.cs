using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace SharpSight.Models.Modules;

/// <summary>
/// y = x Wᵀ + b with W stored [out, in]. Unlike nn.Linear it allocates without random initialisation:
/// weights come from a checkpoint or an explicit initialiser, and a 7B model should not be filled
/// with random numbers first.
/// </summary>
public sealed class Projection : nn.Module
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    [ComponentName(Name = "bias")] private readonly Parameter? _bias;

    /// <summary>Allocates an uninitialised [out, in] projection.</summary>
    public Projection(int inFeatures, int outFeatures, bool hasBias, ScalarType dtype, Device device) : base(nameof(Projection))
    {
        _weight = new Parameter(empty([outFeatures, inFeatures], dtype, device), requires_grad: false);
        if (hasBias) _bias = new Parameter(empty(outFeatures, dtype, device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>The [out, in] weight.</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias, or null.</summary>
    public Parameter? Bias => _bias;

    /// <summary>Applies the projection to the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x) => nn.functional.linear(x, _weight, _bias);
}
