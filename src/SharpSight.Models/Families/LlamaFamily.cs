using System.Text.RegularExpressions;
using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;

namespace SharpSight.Models.Families;

/// <summary>
/// Llama and the families sharing its layout (model_type llama, mistral, qwen2): RMSNorm in float32,
/// rotary with rope_theta (and llama3 / linear rope_scaling), grouped-query attention, SwiGLU MLP.
/// Qwen2 has query/key/value biases; Mistral and Qwen2 may use sliding-window attention.
/// </summary>
public sealed class LlamaFamily : IModelFamily
{
    /// <inheritdoc />
    public string Name => "Llama";

    /// <inheritdoc />
    public IReadOnlyList<string> ModelTypes { get; } = ["llama", "mistral", "qwen2"];

    /// <inheritdoc />
    public TransformerConfig ReadConfig(HfConfigJson json)
    {
        string modelType = json.OptionalString("model_type")!;
        int dModel = json.Int("hidden_size"), heads = json.Int("num_attention_heads"), layers = json.Int("num_hidden_layers");
        int headDim = ConfigReading.HeadDim(json, dModel, heads, "num_attention_heads");
        (double theta, RopeScaling? scaling) = ConfigReading.Rope(json, 10000.0, "rope_theta");
        // Bias layout is fixed per class in HF: Qwen2 always has q/k/v biases and nothing else, Mistral has none,
        // Llama follows attention_bias and mlp_bias.
        bool llama = modelType == "llama", qwen2 = modelType == "qwen2";
        bool attentionBias = llama && (json.OptionalBool("attention_bias") ?? false);
        return new TransformerConfig
        {
            ModelType = modelType,
            VocabSize = json.Int("vocab_size"),
            DModel = dModel,
            Layers = layers,
            Heads = heads,
            KeyValueHeads = KeyValueHeads(json, modelType, heads),
            HeadDim = headDim,
            DMlp = json.Int("intermediate_size"),
            MaxPositions = json.OptionalInt("max_position_embeddings") ?? 2048,
            Norm = NormKind.RmsNorm,
            NormEps = json.OptionalDouble("rms_norm_eps") ?? 1e-6,
            Activation = ConfigReading.Activation(json, "hidden_act", "silu"),
            GatedMlp = true,
            Positions = PositionKind.Rotary,
            RotaryDim = headDim,
            RopeTheta = theta,
            RopeScaling = scaling,
            TiedEmbeddings = json.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = qwen2 || attentionBias,
            AttentionOutBias = attentionBias,
            MlpBias = llama && (json.OptionalBool("mlp_bias") ?? false),
            AttentionScale = 1.0 / Math.Sqrt(headDim),
            SlidingWindows = SlidingWindows(json, modelType, layers),
        };
    }

    // When the key is absent HF uses each config class's default (Mistral 8, Qwen2 32); an explicit null means one per head.
    private static int KeyValueHeads(HfConfigJson json, string modelType, int heads)
    {
        if (json.Json.ContainsKey("num_key_value_heads")) return json.OptionalInt("num_key_value_heads") ?? heads;
        return modelType switch { "mistral" => 8, "qwen2" => 32, _ => heads };
    }

    // Mistral: sliding_window (or null) on every layer. Qwen2: only with use_sliding_window, on layers
    // from max_window_layers on. A layer_types list, where present, says it per layer.
    private static IReadOnlyList<int?> SlidingWindows(HfConfigJson json, string modelType, int layers)
    {
        // MistralConfig's default window is 4096 when the key is absent; an explicit null means full attention.
        int? window = json.Json.ContainsKey("sliding_window") ? json.OptionalInt("sliding_window") : modelType == "mistral" ? 4096 : null;
        if (ConfigReading.WindowsFromLayerTypes(json, layers, window) is { } fromTypes) return fromTypes;
        var windows = new int?[layers];
        if (modelType == "mistral" && window is not null) Array.Fill(windows, window);
        if (modelType == "qwen2" && (json.OptionalBool("use_sliding_window") ?? false) && window is not null)
        {
            int first = json.OptionalInt("max_window_layers") ?? layers;
            for (int i = first; i < layers; i++) windows[i] = window;
        }
        return windows;
    }

    /// <inheritdoc />
    public CheckpointLayout Layout(TransformerConfig c) => LlamaLayout(c, gemma2: false);

    /// <summary>The layout shared by Llama-style checkpoints; Gemma-2 adds its sublayer norms.</summary>
    internal static CheckpointLayout LlamaLayout(TransformerConfig c, bool gemma2)
    {
        var layout = new LayoutBuilder();
        long d = c.DModel, m = c.DMlp, q = (long)c.Heads * c.HeadDim, kv = (long)c.KeyValueHeads * c.HeadDim;
        layout.Add(WeightMapping.Direct("embed.weight", "model.embed_tokens.weight", c.VocabSize, d));
        for (int i = 0; i < c.Layers; i++)
        {
            string source = $"model.layers.{i}", target = $"blocks.{i}";
            layout.Norm($"{target}.ln1", $"{source}.input_layernorm", c.Norm, d);
            layout.Add(WeightMapping.Concatenated($"{target}.attn.qkv.weight",
                new SourceTensor($"{source}.self_attn.q_proj.weight", [q, d]),
                new SourceTensor($"{source}.self_attn.k_proj.weight", [kv, d]),
                new SourceTensor($"{source}.self_attn.v_proj.weight", [kv, d])));
            if (c.QkvBias)
                layout.Add(WeightMapping.Concatenated($"{target}.attn.qkv.bias",
                    new SourceTensor($"{source}.self_attn.q_proj.bias", [q]),
                    new SourceTensor($"{source}.self_attn.k_proj.bias", [kv]),
                    new SourceTensor($"{source}.self_attn.v_proj.bias", [kv])));
            layout.Linear($"{target}.attn.out", $"{source}.self_attn.o_proj", d, q, c.AttentionOutBias);
            if (gemma2)
            {
                layout.Norm($"{target}.ln1_post", $"{source}.post_attention_layernorm", c.Norm, d);
                layout.Norm($"{target}.ln2", $"{source}.pre_feedforward_layernorm", c.Norm, d);
                layout.Norm($"{target}.ln2_post", $"{source}.post_feedforward_layernorm", c.Norm, d);
            }
            else
            {
                layout.Norm($"{target}.ln2", $"{source}.post_attention_layernorm", c.Norm, d);
            }
            layout.Linear($"{target}.mlp.in_proj", $"{source}.mlp.gate_proj", m, d, c.MlpBias);
            layout.Linear($"{target}.mlp.up_proj", $"{source}.mlp.up_proj", m, d, c.MlpBias);
            layout.Linear($"{target}.mlp.out_proj", $"{source}.mlp.down_proj", d, m, c.MlpBias);
        }
        layout.Norm("ln_final", "model.norm", c.Norm, d);
        if (!c.TiedEmbeddings) layout.Add(WeightMapping.Direct("unembed.weight", "lm_head.weight", c.VocabSize, d));
        return new CheckpointLayout
        {
            BasePrefix = "model.",
            Weights = layout.Weights,
            Ignored = [new Regex(@"^(model\.)?layers\.\d+\.self_attn\.rotary_emb\.inv_freq$")],
            Optional = c.TiedEmbeddings ? ["lm_head.weight"] : [],
        };
    }
}
