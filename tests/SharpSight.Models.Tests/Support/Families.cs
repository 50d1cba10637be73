using System.Text.Json.Nodes;
using SharpSight.Models.Tests.Reference;

namespace SharpSight.Models.Tests.Support;

/// <summary>Named tiny configurations covering what each family can vary.</summary>
public static class TestConfigs
{
    public static readonly Dictionary<string, Func<JsonObject>> All = new()
    {
        ["gpt2"] = () => TinyCheckpoints.Gpt2(),
        ["gpt2-odd-sizes"] = () => TinyCheckpoints.Gpt2(layers: 3, dModel: 24, heads: 3, vocab: 53, nInner: 40),
        ["gpt2-untied-exact-gelu"] = () => TinyCheckpoints.Gpt2(tied: false, activation: "gelu"),
        ["gpt2-inverse-layer-scaling"] = () => TinyCheckpoints.Gpt2(scaleAttnByInverseLayerIdx: true),
        ["neox-parallel-partial-rotary"] = () => TinyCheckpoints.GptNeoX(),
        ["neox-sequential"] = () => TinyCheckpoints.GptNeoX(parallelResidual: false),
        ["neox-full-rotary-tied"] = () => TinyCheckpoints.GptNeoX(rotaryPct: 1.0, tied: true),
        ["neox-odd-sizes"] = () => TinyCheckpoints.GptNeoX(layers: 3, dModel: 36, heads: 3, vocab: 47, rotaryPct: 0.5, intermediate: 50),
        ["neox-v5-rope-parameters"] = () => TinyCheckpoints.GptNeoX(v5RopeParameters: true),
        ["llama-gqa"] = () => TinyCheckpoints.Llama(),
        ["llama-mha-tied"] = () => TinyCheckpoints.Llama(kvHeads: 4, tied: true),
        ["llama-head-dim-biases"] = () => TinyCheckpoints.Llama(headDim: 12, attentionBias: true, mlpBias: true),
        ["llama-llama3-rope"] = () => TinyCheckpoints.Llama(llama3RopeScaling: true, ropeTheta: 500000),
        ["llama-mqa-odd"] = () => TinyCheckpoints.Llama(layers: 3, dModel: 30, heads: 5, kvHeads: 1, vocab: 59, intermediate: 44),
        ["qwen2"] = () => TinyCheckpoints.Qwen2(),
        ["qwen2-sliding"] = () => TinyCheckpoints.Qwen2(useSlidingWindow: true, slidingWindow: 3, maxWindowLayers: 1),
        ["mistral-sliding"] = () => TinyCheckpoints.Mistral(slidingWindow: 3),
        ["gemma2"] = () => TinyCheckpoints.Gemma2(),
        ["gemma2-window-2-mqa"] = () => TinyCheckpoints.Gemma2(layers: 3, kvHeads: 1, slidingWindow: 2),
        ["gemma2-no-softcap"] = () => TinyCheckpoints.Gemma2(attnSoftcap: null, finalSoftcap: null),
    };

    public static IEnumerable<object[]> Names => All.Keys.Select(name => new object[] { name });

    /// <summary>One representative per family.</summary>
    public static IEnumerable<object[]> OnePerFamily =>
        new[] { "gpt2", "neox-parallel-partial-rotary", "llama-gqa", "mistral-sliding", "gemma2-window-2-mqa" }.Select(n => new object[] { n });

    /// <summary>A sequence longer than every sliding window above, using ids valid for every vocabulary.</summary>
    public static readonly int[] Sequence = [3, 17, 42, 5, 29, 11, 0, 38, 21, 8];
}
