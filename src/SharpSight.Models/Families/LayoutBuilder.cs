using SharpSight.Models.Architecture;

namespace SharpSight.Models.Families;

/// <summary>Small helpers to list a layout's weights without repeating the weight/bias pairs.</summary>
internal sealed class LayoutBuilder
{
    private readonly List<WeightMapping> _weights = [];

    public IReadOnlyList<WeightMapping> Weights => _weights;

    public void Add(WeightMapping mapping) => _weights.Add(mapping);

    /// <summary>A norm's weight, and its bias for LayerNorm.</summary>
    public void Norm(string target, string key, NormKind kind, long width)
    {
        Add(WeightMapping.Direct($"{target}.weight", $"{key}.weight", width));
        if (kind == NormKind.LayerNorm) Add(WeightMapping.Direct($"{target}.bias", $"{key}.bias", width));
    }

    /// <summary>An nn.Linear stored [out, in] (+ optional bias).</summary>
    public void Linear(string target, string key, long outFeatures, long inFeatures, bool bias)
    {
        Add(WeightMapping.Direct($"{target}.weight", $"{key}.weight", outFeatures, inFeatures));
        if (bias) Add(WeightMapping.Direct($"{target}.bias", $"{key}.bias", outFeatures));
    }
}
