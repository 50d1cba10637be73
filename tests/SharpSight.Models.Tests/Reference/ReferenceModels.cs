using System.Text.Json.Nodes;

namespace SharpSight.Models.Tests.Reference;

/// Independent, step-by-step, double-precision re-implementation of Hugging Face transformers' forward pass
/// (eager attention, no padding, one sequence, positions 0..T-1) for GPT-2, GPT-NeoX, Llama / Mistral / Qwen2
/// and Gemma-2, exposing TransformerLens-named intermediate activations.
public static class ReferenceModels
{
    public static ReferenceRun Run(JsonObject config, IReadOnlyDictionary<string, RefTensor> weights, int[] ids)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0) throw new ArgumentException("empty sequence");
        var c = new RefConfig(config);
        var w = new WeightReader(weights);
        return c.ModelType switch
        {
            "gpt2" => RunGpt2(c, w, ids),
            "gpt_neox" => RunGptNeoX(c, w, ids),
            "llama" or "mistral" or "qwen2" or "gemma2" => RunRmsNormFamily(c, w, ids),
            var other => throw new NotSupportedException(other),
        };
    }

    // =====================================================================================================
    // GPT-2 (modeling_gpt2.py): learned absolute positions, pre-LN blocks, Conv1D projections, tied lm_head.
    // =====================================================================================================
    private static ReferenceRun RunGpt2(RefConfig c, WeightReader w, int[] ids)
    {
        int T = ids.Length;
        int D = c.Int("n_embd", "hidden_size");
        int L = c.Int("n_layer", "num_hidden_layers");
        int H = c.Int("n_head", "num_attention_heads");
        int V = c.Int("vocab_size");
        int P = c.Int("n_positions", "max_position_embeddings");
        if (D % H != 0) throw new NotSupportedException("n_embd must be divisible by n_head (GPT2Attention raises)");
        int Dh = D / H;
        int I = c.NullableInt("n_inner", null) ?? 4 * D;                 // GPT2Block: n_inner or 4 * hidden
        double eps = c.DoubleOr("layer_norm_epsilon", 1e-5);
        string act = c.StringOr("activation_function", "gelu_new");
        bool scaleAttn = c.BoolOr("scale_attn_weights", true);
        bool byInverseLayer = c.BoolOr("scale_attn_by_inverse_layer_idx", false);
        bool tied = c.BoolOr("tie_word_embeddings", true);
        if (c.BoolOr("add_cross_attention", false)) throw new NotSupportedException("cross attention");
        if (T > P) throw new ArgumentException($"sequence length {T} exceeds n_positions {P}");

        // The Hub's own gpt2 checkpoint has no "transformer." prefix; save_pretrained of GPT2LMHeadModel has it.
        string pre = w.Has("transformer.wte.weight") ? "transformer." : w.Has("wte.weight") ? "" :
            throw new KeyNotFoundException("checkpoint has neither 'transformer.wte.weight' nor 'wte.weight'");

        var hooks = new Dictionary<string, RefTensor>();
        var wte = w.Get(pre + "wte.weight", V, D);
        var wpe = w.Get(pre + "wpe.weight", P, D);

        var embed = new double[T][];
        var posEmbed = new double[T][];
        var resid = new double[T][];
        for (int t = 0; t < T; t++)
        {
            embed[t] = Row(wte, CheckId(ids[t], V));
            posEmbed[t] = Row(wpe, t);                                    // position_ids = arange(T)
            resid[t] = Add(embed[t], posEmbed[t]);
        }
        hooks["hook_embed"] = RefTensor.FromMatrix(embed);
        hooks["hook_pos_embed"] = RefTensor.FromMatrix(posEmbed);

        for (int l = 0; l < L; l++)
        {
            string b = $"{pre}h.{l}.";
            string hk = $"blocks.{l}.";
            hooks[hk + "hook_resid_pre"] = RefTensor.FromMatrix(resid);

            var ln1w = w.Vec(b + "ln_1.weight", D); var ln1b = w.Vec(b + "ln_1.bias", D);
            var ln1 = Map(resid, x => RefMath.LayerNorm(x, ln1w, ln1b, eps));
            hooks[hk + "ln1.hook_normalized"] = RefTensor.FromMatrix(ln1);

            var cAttnW = w.Get(b + "attn.c_attn.weight", D, 3 * D);
            var cAttnB = w.Get(b + "attn.c_attn.bias", 3 * D);
            var q = new double[T][][]; var k = new double[T][][]; var v = new double[T][][];
            for (int t = 0; t < T; t++)
            {
                var qkv = RefMath.Conv1D(ln1[t], cAttnW, cAttnB);        // split(split_size=D): q | k | v
                q[t] = SplitHeads(qkv, 0, H, Dh);
                k[t] = SplitHeads(qkv, D, H, Dh);
                v[t] = SplitHeads(qkv, 2 * D, H, Dh);
            }
            hooks[hk + "attn.hook_q"] = RefTensor.From3D(q);
            hooks[hk + "attn.hook_k"] = RefTensor.From3D(k);
            hooks[hk + "attn.hook_v"] = RefTensor.From3D(v);

            // attn_weights = q k^T; / sqrt(head_dim) if scale_attn_weights; / (layer_idx + 1) if scale_attn_by_inverse_layer_idx
            double scale = (scaleAttn ? 1.0 / Math.Sqrt(Dh) : 1.0) / (byInverseLayer ? l + 1 : 1);
            var att = Attend(q, k, v, scale, softcap: null, window: null);
            AddAttentionHooks(hooks, hk, att);

            var cProjW = w.Get(b + "attn.c_proj.weight", D, D);
            var cProjB = w.Get(b + "attn.c_proj.bias", D);
            var attnOut = Map(att.Z, z => RefMath.Conv1D(Flatten(z), cProjW, cProjB));
            hooks[hk + "hook_attn_out"] = RefTensor.FromMatrix(attnOut);

            var mid = Add(resid, attnOut);
            hooks[hk + "hook_resid_mid"] = RefTensor.FromMatrix(mid);

            var ln2w = w.Vec(b + "ln_2.weight", D); var ln2b = w.Vec(b + "ln_2.bias", D);
            var ln2 = Map(mid, x => RefMath.LayerNorm(x, ln2w, ln2b, eps));
            hooks[hk + "ln2.hook_normalized"] = RefTensor.FromMatrix(ln2);

            var fcW = w.Get(b + "mlp.c_fc.weight", D, I); var fcB = w.Get(b + "mlp.c_fc.bias", I);
            var mpW = w.Get(b + "mlp.c_proj.weight", I, D); var mpB = w.Get(b + "mlp.c_proj.bias", D);
            var hPre = Map(ln2, x => RefMath.Conv1D(x, fcW, fcB));
            var hPost = Map(hPre, x => x.Select(e => RefMath.Activation(act, e)).ToArray());
            var mlpOut = Map(hPost, x => RefMath.Conv1D(x, mpW, mpB));
            hooks[hk + "mlp.hook_pre"] = RefTensor.FromMatrix(hPre);
            hooks[hk + "mlp.hook_post"] = RefTensor.FromMatrix(hPost);
            hooks[hk + "hook_mlp_out"] = RefTensor.FromMatrix(mlpOut);

            resid = Add(mid, mlpOut);
            hooks[hk + "hook_resid_post"] = RefTensor.FromMatrix(resid);
        }

        var lnfW = w.Vec(pre + "ln_f.weight", D); var lnfB = w.Vec(pre + "ln_f.bias", D);
        var final = Map(resid, x => RefMath.LayerNorm(x, lnfW, lnfB, eps));
        hooks["ln_final.hook_normalized"] = RefTensor.FromMatrix(final);

        var unembed = tied ? wte : w.Get("lm_head.weight", V, D);        // lm_head: Linear(D, V, bias=False)
        return new ReferenceRun(Unembed(final, unembed, finalSoftcap: null), hooks);
    }

    // =====================================================================================================
    // GPT-NeoX (modeling_gpt_neox.py): fused per-head qkv, partial rotary, parallel or sequential residual.
    // =====================================================================================================
    private static ReferenceRun RunGptNeoX(RefConfig c, WeightReader w, int[] ids)
    {
        int T = ids.Length;
        int D = c.Int("hidden_size");
        int L = c.Int("num_hidden_layers");
        int H = c.Int("num_attention_heads");
        int V = c.Int("vocab_size");
        int I = c.Int("intermediate_size");
        if (D % H != 0) throw new NotSupportedException("hidden_size must be divisible by num_attention_heads");
        int Dh = D / H;
        double eps = c.DoubleOr("layer_norm_eps", 1e-5);
        string act = c.StringOr("hidden_act", "gelu");
        bool parallel = c.BoolOr("use_parallel_residual", true);
        bool attnBias = c.BoolOr("attention_bias", true);
        bool tied = c.BoolOr("tie_word_embeddings", false);
        var rope = RopeSpec.Resolve(c, Dh, T);

        var hooks = new Dictionary<string, RefTensor>();
        var embIn = w.Get("gpt_neox.embed_in.weight", V, D);
        var resid = new double[T][];
        for (int t = 0; t < T; t++) resid[t] = Row(embIn, CheckId(ids[t], V));
        hooks["hook_embed"] = RefTensor.FromMatrix(resid);

        for (int l = 0; l < L; l++)
        {
            string b = $"gpt_neox.layers.{l}.";
            string hk = $"blocks.{l}.";
            var residPre = resid;
            hooks[hk + "hook_resid_pre"] = RefTensor.FromMatrix(residPre);

            var ln1w = w.Vec(b + "input_layernorm.weight", D); var ln1b = w.Vec(b + "input_layernorm.bias", D);
            var ln1 = Map(residPre, x => RefMath.LayerNorm(x, ln1w, ln1b, eps));
            hooks[hk + "ln1.hook_normalized"] = RefTensor.FromMatrix(ln1);

            var qkvW = w.Get(b + "attention.query_key_value.weight", 3 * D, D);
            var qkvB = attnBias ? w.Get(b + "attention.query_key_value.bias", 3 * D) : null;
            var q = new double[T][][]; var k = new double[T][][]; var v = new double[T][][];
            for (int t = 0; t < T; t++)
            {
                // qkv.view(..., num_heads, 3 * head_size): per head h the block [q_h | k_h | v_h].
                var qkv = RefMath.Linear(ln1[t], qkvW, qkvB);
                q[t] = new double[H][]; k[t] = new double[H][]; v[t] = new double[H][];
                for (int h = 0; h < H; h++)
                {
                    int o = h * 3 * Dh;
                    q[t][h] = qkv.AsSpan(o, Dh).ToArray();
                    k[t][h] = qkv.AsSpan(o + Dh, Dh).ToArray();
                    v[t][h] = qkv.AsSpan(o + 2 * Dh, Dh).ToArray();
                }
            }
            hooks[hk + "attn.hook_q"] = RefTensor.From3D(q);
            hooks[hk + "attn.hook_k"] = RefTensor.From3D(k);
            hooks[hk + "attn.hook_v"] = RefTensor.From3D(v);

            var rq = Rotate(q, rope); var rk = Rotate(k, rope);            // first rotary_ndims dims only
            hooks[hk + "attn.hook_rot_q"] = RefTensor.From3D(rq);
            hooks[hk + "attn.hook_rot_k"] = RefTensor.From3D(rk);

            var att = Attend(rq, rk, v, Math.Pow(Dh, -0.5), softcap: null, window: null);
            AddAttentionHooks(hooks, hk, att);

            var denseW = w.Get(b + "attention.dense.weight", D, D);
            var denseB = attnBias ? w.Get(b + "attention.dense.bias", D) : null;
            var attnOut = Map(att.Z, z => RefMath.Linear(Flatten(z), denseW, denseB));
            hooks[hk + "hook_attn_out"] = RefTensor.FromMatrix(attnOut);

            var mid = Add(residPre, attnOut);
            hooks[hk + "hook_resid_mid"] = RefTensor.FromMatrix(mid);

            // Parallel: x + attn(ln1(x)) + mlp(ln2(x)); sequential: h = x + attn(ln1(x)); h + mlp(ln2(h)).
            var mlpIn = parallel ? residPre : mid;
            var ln2w = w.Vec(b + "post_attention_layernorm.weight", D); var ln2b = w.Vec(b + "post_attention_layernorm.bias", D);
            var ln2 = Map(mlpIn, x => RefMath.LayerNorm(x, ln2w, ln2b, eps));
            hooks[hk + "ln2.hook_normalized"] = RefTensor.FromMatrix(ln2);

            var upW = w.Get(b + "mlp.dense_h_to_4h.weight", I, D); var upB = w.Get(b + "mlp.dense_h_to_4h.bias", I);
            var dnW = w.Get(b + "mlp.dense_4h_to_h.weight", D, I); var dnB = w.Get(b + "mlp.dense_4h_to_h.bias", D);
            var hPre = Map(ln2, x => RefMath.Linear(x, upW, upB));
            var hPost = Map(hPre, x => x.Select(e => RefMath.Activation(act, e)).ToArray());
            var mlpOut = Map(hPost, x => RefMath.Linear(x, dnW, dnB));
            hooks[hk + "mlp.hook_pre"] = RefTensor.FromMatrix(hPre);
            hooks[hk + "mlp.hook_post"] = RefTensor.FromMatrix(hPost);
            hooks[hk + "hook_mlp_out"] = RefTensor.FromMatrix(mlpOut);

            resid = Add(mid, mlpOut);
            hooks[hk + "hook_resid_post"] = RefTensor.FromMatrix(resid);
        }

        var fw = w.Vec("gpt_neox.final_layer_norm.weight", D); var fb = w.Vec("gpt_neox.final_layer_norm.bias", D);
        var final = Map(resid, x => RefMath.LayerNorm(x, fw, fb, eps));
        hooks["ln_final.hook_normalized"] = RefTensor.FromMatrix(final);

        var unembed = tied ? embIn : w.Get("embed_out.weight", V, D);   // embed_out: Linear(D, V, bias=False)
        return new ReferenceRun(Unembed(final, unembed, finalSoftcap: null), hooks);
    }

    // =====================================================================================================
    // Llama / Mistral / Qwen2 (modeling_llama.py and derivatives) and Gemma-2 (modeling_gemma2.py):
    // RMSNorm pre-norm decoder, GQA, full-head rotary, gated MLP.
    // =====================================================================================================
    private static ReferenceRun RunRmsNormFamily(RefConfig c, WeightReader w, int[] ids)
    {
        string family = c.ModelType;
        bool gemma = family == "gemma2";
        int T = ids.Length;
        int D = c.Int("hidden_size");
        int L = c.Int("num_hidden_layers");
        int H = c.Int("num_attention_heads");
        // num_key_value_heads: explicit null -> num_attention_heads; absent -> the config class default
        // (LlamaConfig None -> heads, MistralConfig 8, Qwen2Config 32, Gemma2Config 4).
        int Hkv = c.NullableInt("num_key_value_heads", family switch { "mistral" => 8, "qwen2" => 32, "gemma2" => 4, _ => null }) ?? H;
        int V = c.Int("vocab_size");
        int I = c.Int("intermediate_size");
        // LlamaAttention: getattr(config, "head_dim", None) or hidden_size // num_attention_heads.
        // Gemma2Config defaults head_dim to 256 (independent of hidden_size / heads).
        int Dh = c.NullableInt("head_dim", null) ?? (gemma ? 256 : D / H);
        if (!gemma && !c.HasValue("head_dim") && D % H != 0)
            throw new NotSupportedException("hidden_size must be divisible by num_attention_heads when head_dim is absent");
        if (H % Hkv != 0) throw new NotSupportedException("num_attention_heads must be a multiple of num_key_value_heads");
        double eps = c.DoubleOr("rms_norm_eps", 1e-6);
        string act = gemma ? c.StringOr("hidden_activation", "gelu_pytorch_tanh") : c.StringOr("hidden_act", "silu");

        // Biases per family.
        bool qkvBias, oBias, mlpBias;
        switch (family)
        {
            case "llama": qkvBias = oBias = c.BoolOr("attention_bias", false); mlpBias = c.BoolOr("mlp_bias", false); break;
            case "qwen2": qkvBias = true; oBias = false; mlpBias = false; break;              // Qwen2Attention / Qwen2MLP
            case "mistral": qkvBias = oBias = false; mlpBias = false; break;                   // MistralAttention / MistralMLP
            case "gemma2": qkvBias = oBias = c.BoolOr("attention_bias", false); mlpBias = false; break;
            default: throw new NotSupportedException(family);
        }
        bool tied = c.BoolOr("tie_word_embeddings", gemma);                // Gemma2Config default True, others False

        // Attention scaling and soft-capping.
        double scale = gemma ? Math.Pow(c.DoubleOr("query_pre_attn_scalar", 256), -0.5) : Math.Pow(Dh, -0.5);
        double? attnCap = gemma ? c.NullableDouble("attn_logit_softcapping", 50.0) : null;
        double? finalCap = gemma ? c.NullableDouble("final_logit_softcapping", 30.0) : null;
        if (gemma && c.BoolOr("use_bidirectional_attention", false))
            throw new NotSupportedException("use_bidirectional_attention");

        int?[] windows = SlidingWindows(c, family, L);
        var rope = RopeSpec.Resolve(c, Dh, T);

        var hooks = new Dictionary<string, RefTensor>();
        var emb = w.Get("model.embed_tokens.weight", V, D);
        // Gemma: hidden_states * torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype); in a float32 model the
        // normalizer is the float32 rounding of sqrt(D).
        double normalizer = gemma ? (double)(float)Math.Sqrt(D) : 1.0;
        var resid = new double[T][];
        for (int t = 0; t < T; t++) resid[t] = Row(emb, CheckId(ids[t], V)).Select(x => x * normalizer).ToArray();
        hooks["hook_embed"] = RefTensor.FromMatrix(resid);

        double[] Norm(double[] x, double[] wt) => RefMath.RmsNorm(x, wt, eps, onePlusWeight: gemma);

        for (int l = 0; l < L; l++)
        {
            string b = $"model.layers.{l}.";
            string hk = $"blocks.{l}.";
            hooks[hk + "hook_resid_pre"] = RefTensor.FromMatrix(resid);

            var inNorm = w.Vec(b + "input_layernorm.weight", D);
            var ln1 = Map(resid, x => Norm(x, inNorm));
            hooks[hk + "ln1.hook_normalized"] = RefTensor.FromMatrix(ln1);

            var qW = w.Get(b + "self_attn.q_proj.weight", H * Dh, D);
            var kW = w.Get(b + "self_attn.k_proj.weight", Hkv * Dh, D);
            var vW = w.Get(b + "self_attn.v_proj.weight", Hkv * Dh, D);
            var oW = w.Get(b + "self_attn.o_proj.weight", D, H * Dh);
            var qB = qkvBias ? w.Get(b + "self_attn.q_proj.bias", H * Dh) : null;
            var kB = qkvBias ? w.Get(b + "self_attn.k_proj.bias", Hkv * Dh) : null;
            var vB = qkvBias ? w.Get(b + "self_attn.v_proj.bias", Hkv * Dh) : null;
            var oB = oBias ? w.Get(b + "self_attn.o_proj.bias", D) : null;

            var q = Map3(ln1, x => SplitHeads(RefMath.Linear(x, qW, qB), 0, H, Dh));
            var k = Map3(ln1, x => SplitHeads(RefMath.Linear(x, kW, kB), 0, Hkv, Dh));
            var v = Map3(ln1, x => SplitHeads(RefMath.Linear(x, vW, vB), 0, Hkv, Dh));
            hooks[hk + "attn.hook_q"] = RefTensor.From3D(q);
            hooks[hk + "attn.hook_k"] = RefTensor.From3D(k);
            hooks[hk + "attn.hook_v"] = RefTensor.From3D(v);

            var rq = Rotate(q, rope); var rk = Rotate(k, rope);
            hooks[hk + "attn.hook_rot_q"] = RefTensor.From3D(rq);
            hooks[hk + "attn.hook_rot_k"] = RefTensor.From3D(rk);

            var att = Attend(rq, rk, v, scale, attnCap, windows[l]);
            AddAttentionHooks(hooks, hk, att);

            var attnOut = Map(att.Z, z => RefMath.Linear(Flatten(z), oW, oB));
            if (gemma)
            {
                var postAttn = w.Vec(b + "post_attention_layernorm.weight", D);
                attnOut = Map(attnOut, x => Norm(x, postAttn));
            }
            hooks[hk + "hook_attn_out"] = RefTensor.FromMatrix(attnOut);

            var mid = Add(resid, attnOut);
            hooks[hk + "hook_resid_mid"] = RefTensor.FromMatrix(mid);

            // Norm before the MLP: post_attention_layernorm (Llama family) / pre_feedforward_layernorm (Gemma-2).
            var mlpNorm = w.Vec(b + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), D);
            var ln2 = Map(mid, x => Norm(x, mlpNorm));
            hooks[hk + "ln2.hook_normalized"] = RefTensor.FromMatrix(ln2);

            var gW = w.Get(b + "mlp.gate_proj.weight", I, D);
            var uW = w.Get(b + "mlp.up_proj.weight", I, D);
            var dW = w.Get(b + "mlp.down_proj.weight", D, I);
            var gB = mlpBias ? w.Get(b + "mlp.gate_proj.bias", I) : null;
            var uB = mlpBias ? w.Get(b + "mlp.up_proj.bias", I) : null;
            var dB = mlpBias ? w.Get(b + "mlp.down_proj.bias", D) : null;
            var gate = Map(ln2, x => RefMath.Linear(x, gW, gB));
            var up = Map(ln2, x => RefMath.Linear(x, uW, uB));
            var post = new double[T][];
            for (int t = 0; t < T; t++)
            {
                post[t] = new double[I];
                for (int j = 0; j < I; j++) post[t][j] = RefMath.Activation(act, gate[t][j]) * up[t][j];
            }
            var mlpOut = Map(post, x => RefMath.Linear(x, dW, dB));
            if (gemma)
            {
                var postFf = w.Vec(b + "post_feedforward_layernorm.weight", D);
                mlpOut = Map(mlpOut, x => Norm(x, postFf));
            }
            hooks[hk + "mlp.hook_pre"] = RefTensor.FromMatrix(gate);
            hooks[hk + "mlp.hook_pre_linear"] = RefTensor.FromMatrix(up);
            hooks[hk + "mlp.hook_post"] = RefTensor.FromMatrix(post);
            hooks[hk + "hook_mlp_out"] = RefTensor.FromMatrix(mlpOut);

            resid = Add(mid, mlpOut);
            hooks[hk + "hook_resid_post"] = RefTensor.FromMatrix(resid);
        }

        var normW = w.Vec("model.norm.weight", D);
        var final = Map(resid, x => Norm(x, normW));
        hooks["ln_final.hook_normalized"] = RefTensor.FromMatrix(final);

        var unembed = tied ? emb : w.Get("lm_head.weight", V, D);
        return new ReferenceRun(Unembed(final, unembed, finalCap), hooks);
    }

    /// Per-layer sliding window (null = full causal attention), following current transformers:
    /// - mistral: config.sliding_window (absent -> MistralConfig default 4096; null -> none) on every layer;
    /// - qwen2: sliding_window only if use_sliding_window; layer_types (if absent) = sliding on layers
    ///   i >= max_window_layers (when a window is set);
    /// - gemma2: layer_types (if absent) = sliding on even layer indices; window = config.sliding_window (default 4096);
    /// - llama: never.
    public static int?[] SlidingWindows(JsonObject config)
    {
        var c = new RefConfig(config);
        return SlidingWindows(c, c.ModelType, c.Int("num_hidden_layers", "n_layer"));
    }

    private static int?[] SlidingWindows(RefConfig c, string family, int L)
    {
        var result = new int?[L];
        switch (family)
        {
            case "mistral":
                {
                    int? win = c.NullableInt("sliding_window", 4096);
                    for (int l = 0; l < L; l++) result[l] = win;
                    break;
                }
            case "qwen2":
                {
                    bool use = c.BoolOr("use_sliding_window", false);
                    int? win = use ? c.NullableInt("sliding_window", 4096) : null;
                    int maxWindowLayers = c.IntOr("max_window_layers", 28);
                    string[] types = c.StringArray("layer_types")
                        ?? Enumerable.Range(0, L).Select(i => win is not null && i >= maxWindowLayers ? "sliding_attention" : "full_attention").ToArray();
                    CheckLayerTypes(types, L);
                    for (int l = 0; l < L; l++) result[l] = types[l] == "sliding_attention" ? win : null;
                    break;
                }
            case "gemma2":
                {
                    int? win = c.NullableInt("sliding_window", 4096);
                    string[] types = c.StringArray("layer_types")
                        ?? Enumerable.Range(0, L).Select(i => (i + 1) % 2 != 0 ? "sliding_attention" : "full_attention").ToArray();
                    CheckLayerTypes(types, L);
                    for (int l = 0; l < L; l++) result[l] = types[l] == "sliding_attention" ? win : null;
                    break;
                }
            default:
                break;
        }
        return result;
    }

    private static void CheckLayerTypes(string[] types, int L)
    {
        if (types.Length != L) throw new FormatException($"layer_types has {types.Length} entries for {L} layers");
        foreach (var t in types)
            if (t != "sliding_attention" && t != "full_attention")
                throw new NotSupportedException($"layer type '{t}'");
    }

    // =====================================================================================================
    // Shared pieces
    // =====================================================================================================

    internal sealed record AttentionResult(double[][][] Scores, double[][][] Pattern, double[][][] Z);

    /// Eager attention for one sequence. q: [T][H][Dh]; k, v: [T][Hkv][Dh] (GQA: query head h reads kv head
    /// h / (H / Hkv), as repeat_kv does). scores = (q . k) * scale, then tanh soft-cap (Gemma-2), then the mask:
    /// key j is visible from query i iff j &lt;= i and (no window or i - j &lt; window) (masking_utils:
    /// causal kv_idx &lt;= q_idx, sliding_window_overlay kv_idx &gt; q_idx - sliding_window).
    /// Masked scores are -inf; softmax gives them weight 0. z[i][h] = sum_j pattern[h][i][j] v[j][kvhead(h)].
    internal static AttentionResult Attend(double[][][] q, double[][][] k, double[][][] v, double scale, double? softcap, int? window)
    {
        int T = q.Length, H = q[0].Length, Hkv = k[0].Length, Dh = q[0][0].Length, Dv = v[0][0].Length;
        int group = H / Hkv;
        var scores = new double[H][][];
        var pattern = new double[H][][];
        for (int h = 0; h < H; h++)
        {
            int kh = h / group;
            scores[h] = new double[T][];
            pattern[h] = new double[T][];
            for (int i = 0; i < T; i++)
            {
                var row = new double[T];
                for (int j = 0; j < T; j++)
                {
                    bool visible = j <= i && (window is not int win || i - j < win);
                    if (!visible) { row[j] = double.NegativeInfinity; continue; }
                    double dot = 0;
                    for (int d = 0; d < Dh; d++) dot += q[i][h][d] * k[j][kh][d];
                    double s = dot * scale;
                    if (softcap is double cap) s = RefMath.SoftCap(s, cap);
                    row[j] = s;
                }
                scores[h][i] = row;
                pattern[h][i] = RefMath.Softmax(row);
            }
        }
        var z = new double[T][][];
        for (int i = 0; i < T; i++)
        {
            z[i] = new double[H][];
            for (int h = 0; h < H; h++)
            {
                int kh = h / group;
                var acc = new double[Dv];
                for (int j = 0; j < T; j++)
                {
                    double p = pattern[h][i][j];
                    if (p == 0) continue;
                    for (int d = 0; d < Dv; d++) acc[d] += p * v[j][kh][d];
                }
                z[i][h] = acc;
            }
        }
        return new AttentionResult(scores, pattern, z);
    }

    private static void AddAttentionHooks(Dictionary<string, RefTensor> hooks, string hk, AttentionResult att)
    {
        hooks[hk + "attn.hook_attn_scores"] = RefTensor.From3D(att.Scores);
        hooks[hk + "attn.hook_pattern"] = RefTensor.From3D(att.Pattern);
        hooks[hk + "attn.hook_z"] = RefTensor.From3D(att.Z);
    }

    private static double[][][] Rotate(double[][][] x, RopeSpec rope)
    {
        int T = x.Length;
        var y = new double[T][][];
        for (int t = 0; t < T; t++)
            y[t] = x[t].Select(head => RefMath.ApplyRotary(head, t, rope.InvFreq, rope.AttentionScaling)).ToArray();
        return y;
    }

    /// logits[t, v] = sum_d final[t][d] * W[v, d]; optional Gemma-2 final soft-cap.
    private static double[,] Unembed(double[][] final, RefTensor w, double? finalSoftcap)
    {
        int T = final.Length, V = w.Shape[0], D = w.Shape[1];
        var logits = new double[T, V];
        for (int t = 0; t < T; t++)
            for (int v = 0; v < V; v++)
            {
                double acc = 0;
                for (int d = 0; d < D; d++) acc += final[t][d] * w.Data[v * D + d];
                logits[t, v] = finalSoftcap is double cap ? RefMath.SoftCap(acc, cap) : acc;
            }
        return logits;
    }

    private static int CheckId(int id, int vocab) =>
        (uint)id < (uint)vocab ? id : throw new ArgumentOutOfRangeException(nameof(id), $"token id {id} outside vocab {vocab}");

    private static double[] Row(RefTensor m, int i)
    {
        int cols = m.Shape[1];
        return m.Data.AsSpan(i * cols, cols).ToArray();
    }

    private static double[][] SplitHeads(double[] flat, int offset, int heads, int dh)
    {
        var r = new double[heads][];
        for (int h = 0; h < heads; h++) r[h] = flat.AsSpan(offset + h * dh, dh).ToArray();
        return r;
    }

    private static double[] Flatten(double[][] heads) => heads.SelectMany(x => x).ToArray();

    private static double[] Add(double[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = a[i] + b[i];
        return r;
    }

    private static double[][] Add(double[][] a, double[][] b) => a.Select((row, i) => Add(row, b[i])).ToArray();

    private static double[][] Map(double[][] rows, Func<double[], double[]> f) => rows.Select(f).ToArray();

    private static double[][][] Map3(double[][] rows, Func<double[], double[][]> f) => rows.Select(f).ToArray();

    private static double[][] Map(double[][][] rows, Func<double[][], double[]> f) => rows.Select(f).ToArray();

    /// Checked access to checkpoint tensors.
    private sealed class WeightReader
    {
        private readonly IReadOnlyDictionary<string, RefTensor> _w;

        public WeightReader(IReadOnlyDictionary<string, RefTensor> w) => _w = w;

        public bool Has(string name) => _w.ContainsKey(name);

        public RefTensor Get(string name, params int[] shape)
        {
            if (!_w.TryGetValue(name, out var t)) throw new KeyNotFoundException($"checkpoint lacks '{name}'");
            if (!t.HasShape(shape))
                throw new FormatException($"'{name}' has shape {t.ShapeString}, expected [{string.Join(", ", shape)}]");
            if (t.Data.Length != t.Numel) throw new FormatException($"'{name}' has {t.Data.Length} values for shape {t.ShapeString}");
            return t;
        }

        public double[] Vec(string name, int n) => Get(name, n).Data;
    }
}
