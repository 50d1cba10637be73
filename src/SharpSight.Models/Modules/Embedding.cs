using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace SharpSight.Models.Modules;

/// <summary>A lookup table [rows, width]: row i is the vector of index i.</summary>
public sealed class Embedding : nn.Module
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;

    /// <summary>Allocates an uninitialised table.</summary>
    public Embedding(int rows, int width, ScalarType dtype, Device device) : base(nameof(Embedding))
    {
        _weight = new Parameter(empty([rows, width], dtype, device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>The [rows, width] table.</summary>
    public Parameter Weight => _weight;

    /// <summary>Looks up integer indices of any shape; returns [..., width].</summary>
    public Tensor Forward(Tensor indices)
    {
        long[] shape = [.. indices.shape, _weight.shape[1]];
        using Tensor flat = indices.reshape(-1);
        using Tensor rows = _weight.index_select(0, flat);
        return rows.view(shape);
    }
}
