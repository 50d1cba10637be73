using System.Text;
using System.Text.Json.Nodes;

namespace SharpSight.Models.Tests.Reference;

/// Tiny Hugging Face-style configs and deterministic random checkpoints with HF's exact parameter names and shapes.
public static class TinyCheckpoints
{
    public const double DefaultScale = 0.2;

    // =====================================================================================================
    // Configs (config.json as transformers writes it; fields that matter to the forward pass are all explicit)
    // =====================================================================================================

    public static JsonObject Gpt2(int layers = 2, int dModel = 32, int heads = 4, int vocab = 61, int positions = 32,
        int? nInner = null, string activation = "gelu_new", double layerNormEpsilon = 1e-5,
        bool scaleAttnWeights = true, bool scaleAttnByInverseLayerIdx = false, bool tied = true)
    {
        return new JsonObject
        {
            ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["model_type"] = "gpt2",
            ["vocab_size"] = vocab,
            ["n_positions"] = positions,
            ["n_ctx"] = positions,
            ["n_embd"] = dModel,
            ["n_layer"] = layers,
            ["n_head"] = heads,
            ["n_inner"] = nInner,
            ["activation_function"] = activation,
            ["resid_pdrop"] = 0.1,
            ["embd_pdrop"] = 0.1,
            ["attn_pdrop"] = 0.1,
            ["layer_norm_epsilon"] = layerNormEpsilon,
            ["initializer_range"] = 0.02,
            ["scale_attn_weights"] = scaleAttnWeights,
            ["scale_attn_by_inverse_layer_idx"] = scaleAttnByInverseLayerIdx,
            ["reorder_and_upcast_attn"] = false,
            ["use_cache"] = true,
            ["bos_token_id"] = vocab - 1,
            ["eos_token_id"] = vocab - 1,
            ["tie_word_embeddings"] = tied,
            ["torch_dtype"] = "float32",
        };
    }

    public static JsonObject GptNeoX(int layers = 2, int dModel = 32, int heads = 4, int vocab = 61, int positions = 32,
        int? intermediate = null, double rotaryPct = 0.25, bool parallelResidual = true, bool tied = false,
        double rotaryEmbBase = 10000, string hiddenAct = "gelu", bool attentionBias = true, double layerNormEps = 1e-5,
        bool v5RopeParameters = false)
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("GPTNeoXForCausalLM"),
            ["model_type"] = "gpt_neox",
            ["vocab_size"] = vocab,
            ["hidden_size"] = dModel,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["intermediate_size"] = intermediate ?? 4 * dModel,
            ["hidden_act"] = hiddenAct,
            ["max_position_embeddings"] = positions,
            ["layer_norm_eps"] = layerNormEps,
            ["use_parallel_residual"] = parallelResidual,
            ["attention_bias"] = attentionBias,
            ["attention_dropout"] = 0.0,
            ["hidden_dropout"] = 0.0,
            ["classifier_dropout"] = 0.1,
            ["initializer_range"] = 0.02,
            ["use_cache"] = true,
            ["bos_token_id"] = 0,
            ["eos_token_id"] = 0,
            ["tie_word_embeddings"] = tied,
            ["torch_dtype"] = "float32",
        };
        if (v5RopeParameters)
        {
            // transformers v5 keeps theta and the rotary fraction in rope_parameters. rotary_pct is written too: one v5
            // revision of GPTNeoXConfig.convert_rope_params_to_dict overwrote partial_rotary_factor with
            // kwargs.pop("rotary_pct", 0.25), so a config without it would be ambiguous across revisions.
            o["rope_parameters"] = new JsonObject
            {
                ["rope_type"] = "default",
                ["rope_theta"] = rotaryEmbBase,
                ["partial_rotary_factor"] = rotaryPct,
            };
            o["rotary_pct"] = rotaryPct;
        }
        else
        {
            o["rotary_pct"] = rotaryPct;
            o["rotary_emb_base"] = rotaryEmbBase;
            o["rope_scaling"] = null;
        }
        return o;
    }

    public static JsonObject Llama(int layers = 2, int dModel = 32, int heads = 4, int kvHeads = 2, int? headDim = null,
        int vocab = 61, int positions = 32, int? intermediate = null, bool tied = false, bool attentionBias = false,
        bool mlpBias = false, bool llama3RopeScaling = false, double ropeTheta = 10000, double rmsNormEps = 1e-6,
        string hiddenAct = "silu", double llama3Factor = 8, double llama3LowFreqFactor = 1, double llama3HighFreqFactor = 4,
        int llama3OriginalMaxPositions = 64, bool v5RopeParameters = false)
    {
        var o = RmsBase("LlamaForCausalLM", "llama", layers, dModel, heads, kvHeads, headDim ?? dModel / heads, vocab,
            positions, intermediate ?? 2 * dModel, tied, rmsNormEps);
        o["hidden_act"] = hiddenAct;
        o["attention_bias"] = attentionBias;
        o["attention_dropout"] = 0.0;
        o["mlp_bias"] = mlpBias;
        o["pretraining_tp"] = 1;
        JsonObject? scaling = llama3RopeScaling
            ? new JsonObject
            {
                ["rope_type"] = "llama3",
                ["factor"] = llama3Factor,
                ["low_freq_factor"] = llama3LowFreqFactor,
                ["high_freq_factor"] = llama3HighFreqFactor,
                ["original_max_position_embeddings"] = llama3OriginalMaxPositions,
            }
            : null;
        SetRope(o, ropeTheta, scaling, v5RopeParameters);
        return o;
    }

    /// Qwen2: q/k/v biases always, no o_proj bias, no MLP bias. Sliding window only when useSlidingWindow, on layers
    /// i >= maxWindowLayers. The window value is written even when unused (as real Qwen2 configs do).
    public static JsonObject Qwen2(int layers = 2, int dModel = 32, int heads = 4, int kvHeads = 2, int vocab = 61,
        int positions = 32, int? intermediate = null, bool tied = false, bool useSlidingWindow = false,
        int slidingWindow = 4, int maxWindowLayers = 1, double ropeTheta = 10000, double rmsNormEps = 1e-6,
        bool v5RopeParameters = false)
    {
        var o = RmsBase("Qwen2ForCausalLM", "qwen2", layers, dModel, heads, kvHeads, null, vocab, positions,
            intermediate ?? 2 * dModel, tied, rmsNormEps);
        o["hidden_act"] = "silu";
        o["attention_dropout"] = 0.0;
        o["use_sliding_window"] = useSlidingWindow;
        o["sliding_window"] = slidingWindow;
        o["max_window_layers"] = maxWindowLayers;
        SetRope(o, ropeTheta, null, v5RopeParameters);
        return o;
    }

    /// Mistral: no biases; sliding_window (null = none) applies to every layer.
    public static JsonObject Mistral(int layers = 2, int dModel = 32, int heads = 4, int kvHeads = 2, int? headDim = null,
        int vocab = 61, int positions = 32, int? intermediate = null, bool tied = false, int? slidingWindow = null,
        double ropeTheta = 10000, double rmsNormEps = 1e-6, bool v5RopeParameters = false)
    {
        var o = RmsBase("MistralForCausalLM", "mistral", layers, dModel, heads, kvHeads, headDim ?? dModel / heads, vocab,
            positions, intermediate ?? 2 * dModel, tied, rmsNormEps);
        o["hidden_act"] = "silu";
        o["attention_dropout"] = 0.0;
        o["sliding_window"] = slidingWindow;
        SetRope(o, ropeTheta, null, v5RopeParameters);
        return o;
    }

    /// Gemma-2: head_dim independent of dModel / heads, scaling query_pre_attn_scalar^-0.5, soft-caps, sliding window
    /// on even layers (unless layerTypes is given), tied embeddings by default.
    public static JsonObject Gemma2(int layers = 2, int dModel = 32, int heads = 4, int kvHeads = 2, int headDim = 16,
        int vocab = 61, int positions = 32, int? intermediate = null, double queryPreAttnScalar = 24,
        int slidingWindow = 4, double? attnSoftcap = 50, double? finalSoftcap = 30, bool tied = true,
        double ropeTheta = 10000, double rmsNormEps = 1e-6, bool attentionBias = false,
        string hiddenActivation = "gelu_pytorch_tanh", string[]? layerTypes = null, bool v5RopeParameters = false)
    {
        var o = RmsBase("Gemma2ForCausalLM", "gemma2", layers, dModel, heads, kvHeads, headDim, vocab, positions,
            intermediate ?? 2 * dModel, tied, rmsNormEps);
        o["hidden_act"] = hiddenActivation;           // real Gemma-2 configs carry both; the model reads hidden_activation
        o["hidden_activation"] = hiddenActivation;
        o["query_pre_attn_scalar"] = queryPreAttnScalar;
        o["sliding_window"] = slidingWindow;
        o["attn_logit_softcapping"] = attnSoftcap;
        o["final_logit_softcapping"] = finalSoftcap;
        o["attention_bias"] = attentionBias;
        o["attention_dropout"] = 0.0;
        o["cache_implementation"] = "hybrid";
        o["pad_token_id"] = 0;
        if (layerTypes is not null) o["layer_types"] = new JsonArray(layerTypes.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        SetRope(o, ropeTheta, null, v5RopeParameters);
        return o;
    }

    private static JsonObject RmsBase(string arch, string modelType, int layers, int dModel, int heads, int kvHeads,
        int? headDim, int vocab, int positions, int intermediate, bool tied, double rmsNormEps)
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(arch),
            ["model_type"] = modelType,
            ["vocab_size"] = vocab,
            ["hidden_size"] = dModel,
            ["intermediate_size"] = intermediate,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = kvHeads,
            ["max_position_embeddings"] = positions,
            ["rms_norm_eps"] = rmsNormEps,
            ["initializer_range"] = 0.02,
            ["use_cache"] = true,
            ["bos_token_id"] = 1,
            ["eos_token_id"] = 2,
            ["tie_word_embeddings"] = tied,
            ["torch_dtype"] = "float32",
        };
        if (headDim is int hd) o["head_dim"] = hd;
        return o;
    }

    private static void SetRope(JsonObject o, double theta, JsonObject? scaling, bool v5)
    {
        if (v5)
        {
            var rp = scaling ?? new JsonObject { ["rope_type"] = "default" };
            rp["rope_theta"] = theta;
            o["rope_parameters"] = rp;
        }
        else
        {
            o["rope_theta"] = theta;
            o["rope_scaling"] = scaling;
        }
    }

    // =====================================================================================================
    // Parameters
    // =====================================================================================================

    /// Every parameter key (canonical save_pretrained name) and shape the HF model for this config has; tied output
    /// embeddings are omitted (as save_pretrained omits them) and non-persistent buffers are not parameters.
    public static IReadOnlyList<(string Name, int[] Shape)> ParameterShapes(JsonObject config)
    {
        var c = new RefConfig(config);
        var list = new List<(string, int[])>();
        void Add(string name, params int[] shape) => list.Add((name, shape));

        switch (c.ModelType)
        {
            case "gpt2":
                {
                    int D = c.Int("n_embd"), L = c.Int("n_layer"), V = c.Int("vocab_size"), P = c.Int("n_positions");
                    int I = c.NullableInt("n_inner", null) ?? 4 * D;
                    Add("transformer.wte.weight", V, D);
                    Add("transformer.wpe.weight", P, D);
                    for (int l = 0; l < L; l++)
                    {
                        string b = $"transformer.h.{l}.";
                        Add(b + "ln_1.weight", D); Add(b + "ln_1.bias", D);
                        Add(b + "attn.c_attn.weight", D, 3 * D); Add(b + "attn.c_attn.bias", 3 * D);
                        Add(b + "attn.c_proj.weight", D, D); Add(b + "attn.c_proj.bias", D);
                        Add(b + "ln_2.weight", D); Add(b + "ln_2.bias", D);
                        Add(b + "mlp.c_fc.weight", D, I); Add(b + "mlp.c_fc.bias", I);
                        Add(b + "mlp.c_proj.weight", I, D); Add(b + "mlp.c_proj.bias", D);
                    }
                    Add("transformer.ln_f.weight", D); Add("transformer.ln_f.bias", D);
                    if (!c.BoolOr("tie_word_embeddings", true)) Add("lm_head.weight", V, D);
                    break;
                }
            case "gpt_neox":
                {
                    int D = c.Int("hidden_size"), L = c.Int("num_hidden_layers"), V = c.Int("vocab_size"), I = c.Int("intermediate_size");
                    bool bias = c.BoolOr("attention_bias", true);
                    Add("gpt_neox.embed_in.weight", V, D);
                    for (int l = 0; l < L; l++)
                    {
                        string b = $"gpt_neox.layers.{l}.";
                        Add(b + "input_layernorm.weight", D); Add(b + "input_layernorm.bias", D);
                        Add(b + "post_attention_layernorm.weight", D); Add(b + "post_attention_layernorm.bias", D);
                        Add(b + "attention.query_key_value.weight", 3 * D, D);
                        if (bias) Add(b + "attention.query_key_value.bias", 3 * D);
                        Add(b + "attention.dense.weight", D, D);
                        if (bias) Add(b + "attention.dense.bias", D);
                        Add(b + "mlp.dense_h_to_4h.weight", I, D); Add(b + "mlp.dense_h_to_4h.bias", I);
                        Add(b + "mlp.dense_4h_to_h.weight", D, I); Add(b + "mlp.dense_4h_to_h.bias", D);
                    }
                    Add("gpt_neox.final_layer_norm.weight", D); Add("gpt_neox.final_layer_norm.bias", D);
                    if (!c.BoolOr("tie_word_embeddings", false)) Add("embed_out.weight", V, D);
                    break;
                }
            case "llama" or "mistral" or "qwen2" or "gemma2":
                {
                    string f = c.ModelType;
                    bool gemma = f == "gemma2";
                    int D = c.Int("hidden_size"), L = c.Int("num_hidden_layers"), V = c.Int("vocab_size"), I = c.Int("intermediate_size");
                    int H = c.Int("num_attention_heads");
                    int Hkv = c.NullableInt("num_key_value_heads", f switch { "mistral" => 8, "qwen2" => 32, "gemma2" => 4, _ => null }) ?? H;
                    int Dh = c.NullableInt("head_dim", null) ?? (gemma ? 256 : D / H);
                    bool qkvBias = f switch { "llama" or "gemma2" => c.BoolOr("attention_bias", false), "qwen2" => true, _ => false };
                    bool oBias = f switch { "llama" or "gemma2" => c.BoolOr("attention_bias", false), _ => false };
                    bool mlpBias = f == "llama" && c.BoolOr("mlp_bias", false);
                    Add("model.embed_tokens.weight", V, D);
                    for (int l = 0; l < L; l++)
                    {
                        string b = $"model.layers.{l}.";
                        Add(b + "self_attn.q_proj.weight", H * Dh, D);
                        if (qkvBias) Add(b + "self_attn.q_proj.bias", H * Dh);
                        Add(b + "self_attn.k_proj.weight", Hkv * Dh, D);
                        if (qkvBias) Add(b + "self_attn.k_proj.bias", Hkv * Dh);
                        Add(b + "self_attn.v_proj.weight", Hkv * Dh, D);
                        if (qkvBias) Add(b + "self_attn.v_proj.bias", Hkv * Dh);
                        Add(b + "self_attn.o_proj.weight", D, H * Dh);
                        if (oBias) Add(b + "self_attn.o_proj.bias", D);
                        Add(b + "mlp.gate_proj.weight", I, D);
                        if (mlpBias) Add(b + "mlp.gate_proj.bias", I);
                        Add(b + "mlp.up_proj.weight", I, D);
                        if (mlpBias) Add(b + "mlp.up_proj.bias", I);
                        Add(b + "mlp.down_proj.weight", D, I);
                        if (mlpBias) Add(b + "mlp.down_proj.bias", D);
                        Add(b + "input_layernorm.weight", D);
                        Add(b + "post_attention_layernorm.weight", D);
                        if (gemma)
                        {
                            Add(b + "pre_feedforward_layernorm.weight", D);
                            Add(b + "post_feedforward_layernorm.weight", D);
                        }
                    }
                    Add("model.norm.weight", D);
                    if (!c.BoolOr("tie_word_embeddings", gemma)) Add("lm_head.weight", V, D);
                    break;
                }
            default:
                throw new NotSupportedException(c.ModelType);
        }
        return list;
    }

    /// Deterministic random weights for every parameter of the config's HF model. Each tensor is drawn from its own
    /// stream seeded by (seed, name), so values do not depend on which other keys exist. All values are float32
    /// representable. Matrices / embeddings ~ N(0, scale); linear biases ~ N(0, scale / 2); LayerNorm / RMSNorm
    /// weights 1 + N(0, 0.1) (Gemma-2: N(0, 0.1), as it multiplies by 1 + w); LayerNorm biases ~ N(0, 0.1).
    public static Dictionary<string, RefTensor> RandomWeights(JsonObject config, int seed, double scale = DefaultScale)
    {
        bool gemma = new RefConfig(config).ModelType == "gemma2";
        var result = new Dictionary<string, RefTensor>(StringComparer.Ordinal);
        foreach (var (name, shape) in ParameterShapes(config))
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            var rng = new SplitMix64(Mix((ulong)(uint)seed, Fnv1a64(name)));
            string module = name[..name.LastIndexOf('.')];
            string leaf = module[(module.LastIndexOf('.') + 1)..];
            bool isNorm = leaf.Contains("norm", StringComparison.Ordinal) || leaf.StartsWith("ln_", StringComparison.Ordinal);
            bool isBias = name.EndsWith(".bias", StringComparison.Ordinal);
            double offset = 0, std;
            if (isNorm && !isBias) { offset = gemma ? 0.0 : 1.0; std = 0.1; }
            else if (isNorm) std = 0.1;
            else if (isBias) std = scale / 2;
            else std = scale;
            var data = new double[n];
            for (int i = 0; i < n; i++) data[i] = (float)(offset + std * rng.NextGaussian());
            result[name] = new RefTensor((int[])shape.Clone(), data);
        }
        return result;
    }

    private static ulong Fnv1a64(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(s)) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    private static ulong Mix(ulong a, ulong b)
    {
        ulong x = a * 0x9E3779B97F4A7C15UL ^ b;
        x ^= x >> 33; x *= 0xFF51AFD7ED558CCDUL; x ^= x >> 33; x *= 0xC4CEB9FE1A85EC53UL; x ^= x >> 33;
        return x;
    }

    /// Platform-independent generator (System.Random's algorithms are not guaranteed stable).
    private sealed class SplitMix64
    {
        private ulong _state;

        public SplitMix64(ulong seed) => _state = seed;

        public ulong NextUInt64()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// Uniform in (0, 1].
        public double NextUnit() => ((NextUInt64() >> 11) + 1) * (1.0 / 9007199254740992.0);

        /// Standard normal (Box-Muller, cosine branch only, for simplicity and determinism).
        public double NextGaussian()
        {
            double u1 = NextUnit(), u2 = NextUnit();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}
