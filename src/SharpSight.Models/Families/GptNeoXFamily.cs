using System.Text.RegularExpressions;
using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;
using static TorchSharp.torch;

namespace SharpSight.Models.Families;

/// <summary>
/// GPT-NeoX / Pythia (model_type gpt_neox): partial rotary, parallel (or sequential) residual, exact-erf GELU,
/// a fused query_key_value projection laid out per head, and an untied embed_out.
/// </summary>
public sealed class GptNeoXFamily : IModelFamily
{
    /// <inheritdoc />
    public string Name => "GPT-NeoX";

    /// <inheritdoc />
    public IReadOnlyList<string> ModelTypes { get; } = ["gpt_neox"];

    /// <inheritdoc />
    public TransformerConfig ReadConfig(HfConfigJson json)
    {
        int dModel = json.Int("hidden_size"), heads = json.Int("num_attention_heads"), layers = json.Int("num_hidden_layers");
        int headDim = ConfigReading.HeadDim(json, dModel, heads, "num_attention_heads");
        string rotaryField = json.FirstPresent("partial_rotary_factor", "rotary_pct") ?? "rotary_pct";
        double rotaryFraction = json.OptionalDouble(rotaryField) ?? 0.25;
        int rotaryDim = (int)(headDim * rotaryFraction);   // HF: int(head_size * rotary_pct)
        if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryFraction > 1)
            throw json.Unsupported(rotaryField, rotaryFraction, $"a fraction of head_dim {headDim} giving an even, positive number of rotary dimensions");
        // HF's GPTNeoXConfig takes the base from rotary_emb_base (or rope_parameters); a top-level rope_theta is ignored.
        (double theta, RopeScaling? scaling) = ConfigReading.Rope(json, 10000.0, "rotary_emb_base");
        bool bias = json.OptionalBool("attention_bias") ?? true;
        return new TransformerConfig
        {
            ModelType = "gpt_neox",
            VocabSize = json.Int("vocab_size"),
            DModel = dModel,
            Layers = layers,
            Heads = heads,
            KeyValueHeads = heads,
            HeadDim = headDim,
            DMlp = json.Int("intermediate_size"),
            MaxPositions = json.OptionalInt("max_position_embeddings") ?? 2048,
            Norm = NormKind.LayerNorm,
            NormEps = json.OptionalDouble("layer_norm_eps") ?? 1e-5,
            Activation = ConfigReading.Activation(json, "hidden_act", "gelu"),
            GatedMlp = false,
            Positions = PositionKind.Rotary,
            RotaryDim = rotaryDim,
            RopeTheta = theta,
            RopeScaling = scaling,
            ParallelResidual = json.OptionalBool("use_parallel_residual") ?? true,
            TiedEmbeddings = json.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = bias,
            AttentionOutBias = bias,
            MlpBias = true,
            AttentionScale = 1.0 / Math.Sqrt(headDim),
            SlidingWindows = new int?[layers],
        };
    }

    /// <inheritdoc />
    public CheckpointLayout Layout(TransformerConfig c)
    {
        var layout = new LayoutBuilder();
        long d = c.DModel, m = c.DMlp;
        layout.Add(WeightMapping.Direct("embed.weight", "gpt_neox.embed_in.weight", c.VocabSize, d));
        for (int i = 0; i < c.Layers; i++)
        {
            string source = $"gpt_neox.layers.{i}", target = $"blocks.{i}";
            layout.Norm($"{target}.ln1", $"{source}.input_layernorm", c.Norm, d);
            layout.Add(new WeightMapping($"{target}.attn.qkv.weight",
                [new SourceTensor($"{source}.attention.query_key_value.weight", [3 * d, d])], t => HeadsInterleavedToBlocks(t[0], c)));
            if (c.QkvBias)
                layout.Add(new WeightMapping($"{target}.attn.qkv.bias",
                    [new SourceTensor($"{source}.attention.query_key_value.bias", [3 * d])], t => HeadsInterleavedToBlocks(t[0], c)));
            layout.Linear($"{target}.attn.out", $"{source}.attention.dense", d, d, c.AttentionOutBias);
            layout.Norm($"{target}.ln2", $"{source}.post_attention_layernorm", c.Norm, d);
            layout.Linear($"{target}.mlp.in_proj", $"{source}.mlp.dense_h_to_4h", m, d, c.MlpBias);
            layout.Linear($"{target}.mlp.out_proj", $"{source}.mlp.dense_4h_to_h", d, m, c.MlpBias);
        }
        layout.Norm("ln_final", "gpt_neox.final_layer_norm", c.Norm, d);
        if (!c.TiedEmbeddings) layout.Add(WeightMapping.Direct("unembed.weight", "embed_out.weight", c.VocabSize, d));
        return new CheckpointLayout
        {
            BasePrefix = "gpt_neox.",
            Weights = layout.Weights,
            Ignored = [new Regex(@"^(gpt_neox\.)?layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)$")],
            Optional = c.TiedEmbeddings ? ["embed_out.weight"] : [],
        };
    }

    // NeoX orders the fused output dimension as [head, (q|k|v), head_dim]; ours is [(q|k|v), head, head_dim].
    private static Tensor HeadsInterleavedToBlocks(Tensor fused, TransformerConfig c)
    {
        long[] trailing = fused.shape[1..];
        Tensor perHead = fused.reshape([c.Heads, 3, c.HeadDim, .. trailing]);
        Tensor blocks = perHead.transpose(0, 1);
        return blocks.reshape([3L * c.Heads * c.HeadDim, .. trailing]);
    }
}
