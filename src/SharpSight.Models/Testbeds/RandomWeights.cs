using SharpSight.Models.Architecture;
using SharpSight.Models.Families;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Models.Testbeds;

/// <summary>
/// Hugging Face-style random initialisation: matrices ~ N(0, 0.02), biases 0, norm scales 1
/// (0 for Gemma's (1 + weight) norms). Used for built-in testbed models and benchmarks.
/// </summary>
public static class RandomWeights
{
    /// <summary>Standard deviation of weight matrices, as in Hugging Face's initializer_range.</summary>
    public const double Std = 0.02;

    /// <summary>Random checkpoint tensors, keyed and shaped exactly as the family's checkpoint layout.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Checkpoint(IModelFamily family, TransformerConfig config, long seed)
    {
        using Generator generator = new Generator((ulong)seed);
        foreach (WeightMapping mapping in family.Layout(config).Weights)
            foreach (SourceTensor source in mapping.Sources)
                yield return new(source.Key, Sample(source.Key, source.Shape, config, generator));
    }

    /// <summary>Fills every parameter of a model in place.</summary>
    public static void Initialize(TransformerModel model, long seed)
    {
        using Generator generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            using Tensor value = Sample(name, parameter.shape, model.Config, generator);
            parameter.copy_(value);
        }
    }

    private static Tensor Sample(string key, long[] shape, TransformerConfig config, Generator generator)
    {
        bool isNorm = key.Contains("norm", StringComparison.Ordinal) || key.Contains(".ln", StringComparison.Ordinal)
            || key.StartsWith("ln", StringComparison.Ordinal) || key.Contains("ln_", StringComparison.Ordinal);
        if (shape.Length >= 2) return normal(0, Std, shape, generator: generator);
        if (isNorm && key.EndsWith(".weight", StringComparison.Ordinal))
            return config.Norm == NormKind.RmsNormOffsetOne ? zeros(shape) : ones(shape);
        return zeros(shape);
    }
}
