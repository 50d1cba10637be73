using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;

namespace SharpSight.Models.Families;

/// <summary>
/// Gemma-2 (model_type gemma2): embeddings scaled by sqrt(d_model), RMSNorm with (1 + weight), norms before and
/// after both sublayers, head_dim independent of d_model / heads, query_pre_attn_scalar scaling, tanh soft-capping
/// of attention scores and final logits, sliding-window attention on even-numbered layers, GeGLU (tanh) MLP,
/// tied embeddings.
/// </summary>
public sealed class Gemma2Family : IModelFamily
{
    /// <inheritdoc />
    public string Name => "Gemma-2";

    /// <inheritdoc />
    public IReadOnlyList<string> ModelTypes { get; } = ["gemma2"];

    /// <inheritdoc />
    public TransformerConfig ReadConfig(HfConfigJson json)
    {
        int dModel = json.Int("hidden_size"), heads = json.Int("num_attention_heads"), layers = json.Int("num_hidden_layers");
        int headDim = json.OptionalInt("head_dim") ?? 256;
        (double theta, RopeScaling? scaling) = ConfigReading.Rope(json, 10000.0, "rope_theta");
        double queryScalar = json.OptionalDouble("query_pre_attn_scalar") ?? 256;
        if (!(queryScalar > 0)) throw json.Unsupported("query_pre_attn_scalar", queryScalar, "a positive number");
        string activationField = json.Has("hidden_activation") ? "hidden_activation" : "hidden_act";
        bool bias = json.OptionalBool("attention_bias") ?? false;
        return new TransformerConfig
        {
            ModelType = "gemma2",
            VocabSize = json.Int("vocab_size"),
            DModel = dModel,
            Layers = layers,
            Heads = heads,
            // Gemma2Config's default is 4 when the key is absent; an explicit null means one per head.
            KeyValueHeads = json.Json.ContainsKey("num_key_value_heads") ? json.OptionalInt("num_key_value_heads") ?? heads : 4,
            HeadDim = headDim,
            DMlp = json.Int("intermediate_size"),
            MaxPositions = json.OptionalInt("max_position_embeddings") ?? 8192,
            Norm = NormKind.RmsNormOffsetOne,
            NormEps = json.OptionalDouble("rms_norm_eps") ?? 1e-6,
            Activation = ConfigReading.Activation(json, activationField, "gelu_pytorch_tanh"),
            GatedMlp = true,
            Positions = PositionKind.Rotary,
            RotaryDim = headDim,
            RopeTheta = theta,
            RopeScaling = scaling,
            TiedEmbeddings = json.OptionalBool("tie_word_embeddings") ?? true,
            QkvBias = bias,
            AttentionOutBias = bias,
            MlpBias = false,
            EmbeddingMultiplier = Math.Sqrt(dModel),
            AttentionScale = 1.0 / Math.Sqrt(queryScalar),
            AttentionSoftcap = json.Has("attn_logit_softcapping") ? json.Double("attn_logit_softcapping") : json.Json.ContainsKey("attn_logit_softcapping") ? null : 50.0,
            FinalLogitSoftcap = json.Has("final_logit_softcapping") ? json.Double("final_logit_softcapping") : json.Json.ContainsKey("final_logit_softcapping") ? null : 30.0,
            PostSublayerNorms = true,
            SlidingWindows = SlidingWindows(json, layers),
        };
    }

    // HF Gemma-2: layers 0, 2, 4, ... use the sliding window (unless a layer_types list says otherwise).
    private static IReadOnlyList<int?> SlidingWindows(HfConfigJson json, int layers)
    {
        int? window = json.Has("sliding_window") ? json.Int("sliding_window") : 4096;
        if (ConfigReading.WindowsFromLayerTypes(json, layers, window) is { } fromTypes) return fromTypes;
        return Enumerable.Range(0, layers).Select(i => i % 2 == 0 ? window : null).ToArray();
    }

    /// <inheritdoc />
    public CheckpointLayout Layout(TransformerConfig config) => LlamaFamily.LlamaLayout(config, gemma2: true);
}
