using System.Text.RegularExpressions;
using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;

namespace SharpSight.Models.Families;

/// <summary>
/// GPT-2 (model_type gpt2): learned positions, LayerNorm, fused Conv1D projections stored [in, out],
/// gelu_new MLP, unembedding tied to the token embedding.
/// </summary>
public sealed class Gpt2Family : IModelFamily
{
    /// <inheritdoc />
    public string Name => "GPT-2";

    /// <inheritdoc />
    public IReadOnlyList<string> ModelTypes { get; } = ["gpt2"];

    /// <inheritdoc />
    public TransformerConfig ReadConfig(HfConfigJson json)
    {
        int dModel = json.Int("n_embd"), heads = json.Int("n_head"), layers = json.Int("n_layer");
        int headDim = ConfigReading.HeadDim(json, dModel, heads, "n_head");
        return new TransformerConfig
        {
            ModelType = "gpt2",
            VocabSize = json.Int("vocab_size"),
            DModel = dModel,
            Layers = layers,
            Heads = heads,
            KeyValueHeads = heads,
            HeadDim = headDim,
            DMlp = json.OptionalInt("n_inner") ?? 4 * dModel,
            MaxPositions = json.Int("n_positions"),
            Norm = NormKind.LayerNorm,
            NormEps = json.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
            Activation = ConfigReading.Activation(json, "activation_function", "gelu_new"),
            GatedMlp = false,
            Positions = PositionKind.Learned,
            TiedEmbeddings = json.OptionalBool("tie_word_embeddings") ?? true,
            QkvBias = true,
            AttentionOutBias = true,
            MlpBias = true,
            AttentionScale = json.OptionalBool("scale_attn_weights") ?? true ? 1.0 / Math.Sqrt(headDim) : 1.0,
            ScaleAttentionByInverseLayer = json.OptionalBool("scale_attn_by_inverse_layer_idx") ?? false,
            SlidingWindows = new int?[layers],
        };
    }

    /// <inheritdoc />
    public CheckpointLayout Layout(TransformerConfig c)
    {
        var layout = new LayoutBuilder();
        long d = c.DModel, m = c.DMlp;
        layout.Add(WeightMapping.Direct("embed.weight", "transformer.wte.weight", c.VocabSize, d));
        layout.Add(WeightMapping.Direct("pos_embed.weight", "transformer.wpe.weight", c.MaxPositions, d));
        for (int i = 0; i < c.Layers; i++)
        {
            string source = $"transformer.h.{i}", target = $"blocks.{i}";
            layout.Norm($"{target}.ln1", $"{source}.ln_1", c.Norm, d);
            // Conv1D keeps weights as [in, out]; our projections are [out, in].
            layout.Add(WeightMapping.Transposed($"{target}.attn.qkv.weight", $"{source}.attn.c_attn.weight", d, 3 * d));
            layout.Add(WeightMapping.Direct($"{target}.attn.qkv.bias", $"{source}.attn.c_attn.bias", 3 * d));
            layout.Add(WeightMapping.Transposed($"{target}.attn.out.weight", $"{source}.attn.c_proj.weight", d, d));
            layout.Add(WeightMapping.Direct($"{target}.attn.out.bias", $"{source}.attn.c_proj.bias", d));
            layout.Norm($"{target}.ln2", $"{source}.ln_2", c.Norm, d);
            layout.Add(WeightMapping.Transposed($"{target}.mlp.in_proj.weight", $"{source}.mlp.c_fc.weight", d, m));
            layout.Add(WeightMapping.Direct($"{target}.mlp.in_proj.bias", $"{source}.mlp.c_fc.bias", m));
            layout.Add(WeightMapping.Transposed($"{target}.mlp.out_proj.weight", $"{source}.mlp.c_proj.weight", m, d));
            layout.Add(WeightMapping.Direct($"{target}.mlp.out_proj.bias", $"{source}.mlp.c_proj.bias", d));
        }
        layout.Norm("ln_final", "transformer.ln_f", c.Norm, d);
        if (!c.TiedEmbeddings) layout.Add(WeightMapping.Direct("unembed.weight", "lm_head.weight", c.VocabSize, d));
        return new CheckpointLayout
        {
            BasePrefix = "transformer.",
            Weights = layout.Weights,
            // Older checkpoints save the causal-mask buffers.
            Ignored = [new Regex(@"^(transformer\.)?h\.\d+\.attn\.(bias|masked_bias)$")],
            Optional = c.TiedEmbeddings ? ["lm_head.weight"] : [],
        };
    }
}
