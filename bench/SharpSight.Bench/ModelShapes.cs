using SharpSight.Models.Architecture;

namespace SharpSight.Bench;

/// <summary>Architectures the benchmarks run.</summary>
internal static class ModelShapes
{
    /// <summary>GPT-2 small: 12 layers, d_model 768, 12 heads, vocab 50257, 1024 positions.</summary>
    public static TransformerConfig Gpt2Small() => new()
    {
        ModelType = "gpt2", VocabSize = 50257, DModel = 768, Layers = 12, Heads = 12, KeyValueHeads = 12, HeadDim = 64, DMlp = 3072,
        MaxPositions = 1024, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh, GatedMlp = false,
        Positions = PositionKind.Learned, TiedEmbeddings = true, QkvBias = true, AttentionOutBias = true, MlpBias = true,
        AttentionScale = 1 / 8.0, SlidingWindows = new int?[12],
    };
}
