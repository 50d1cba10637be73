using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.IO;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Models.Loading;

/// <summary>
/// Writes a GPT-2-shaped <see cref="TransformerModel"/> (learned positions, LayerNorm, plain MLP, fused biased
/// projections) as a Hugging Face GPT-2 folder: config.json and model.safetensors with Conv1D weights stored [in, out].
/// Models trained with SharpSight (the game models) then load anywhere a Hugging Face checkpoint does.
/// </summary>
public static class Gpt2Export
{
    /// <summary>Writes the folder; throws <see cref="ArgumentException"/> naming what is not GPT-2-shaped.</summary>
    public static void Write(TransformerModel model, string folder)
    {
        TransformerConfig c = model.Config;
        string? problem = c.Positions != PositionKind.Learned ? "rotary positions"
            : c.Norm != NormKind.LayerNorm ? $"{c.Norm} norms"
            : c.GatedMlp ? "a gated MLP"
            : c.KeyValueHeads != c.Heads ? "grouped-query attention"
            : c.HeadDim * c.Heads != c.DModel ? "head_dim × heads ≠ d_model"
            : !(c.QkvBias && c.AttentionOutBias && c.MlpBias) ? "projections without biases"
            : c.ParallelResidual || c.PostSublayerNorms || c.AttentionSoftcap is not null || c.FinalLogitSoftcap is not null ? "a non-GPT-2 block"
            : c.SlidingWindows.Any(w => w is not null) ? "sliding-window attention"
            : Math.Abs(c.AttentionScale - 1 / Math.Sqrt(c.HeadDim)) > 1e-12 || c.ScaleAttentionByInverseLayer ? "non-standard attention scaling"
            : c.Activation is not (ActivationKind.GeluTanh or ActivationKind.Gelu or ActivationKind.Relu) ? $"activation {c.Activation}"
            : null;
        if (problem is not null) throw new ArgumentException($"the model has {problem}; only GPT-2-shaped models export to the GPT-2 layout");

        using var scope = NewDisposeScope();
        Tensor W(string name) => model.named_parameters().First(p => p.name == name).parameter.detach().to(ScalarType.Float32).cpu();
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("transformer.wte.weight", W("embed.weight")),
            new("transformer.wpe.weight", W("pos_embed.weight")),
        };
        for (int i = 0; i < c.Layers; i++)
        {
            string b = $"blocks.{i}.", h = $"transformer.h.{i}.";
            tensors.Add(new(h + "ln_1.weight", W(b + "ln1.weight")));
            tensors.Add(new(h + "ln_1.bias", W(b + "ln1.bias")));
            tensors.Add(new(h + "attn.c_attn.weight", W(b + "attn.qkv.weight").t().contiguous()));   // Conv1D: [in, out]
            tensors.Add(new(h + "attn.c_attn.bias", W(b + "attn.qkv.bias")));
            tensors.Add(new(h + "attn.c_proj.weight", W(b + "attn.out.weight").t().contiguous()));
            tensors.Add(new(h + "attn.c_proj.bias", W(b + "attn.out.bias")));
            tensors.Add(new(h + "ln_2.weight", W(b + "ln2.weight")));
            tensors.Add(new(h + "ln_2.bias", W(b + "ln2.bias")));
            tensors.Add(new(h + "mlp.c_fc.weight", W(b + "mlp.in_proj.weight").t().contiguous()));
            tensors.Add(new(h + "mlp.c_fc.bias", W(b + "mlp.in_proj.bias")));
            tensors.Add(new(h + "mlp.c_proj.weight", W(b + "mlp.out_proj.weight").t().contiguous()));
            tensors.Add(new(h + "mlp.c_proj.bias", W(b + "mlp.out_proj.bias")));
        }
        tensors.Add(new("transformer.ln_f.weight", W("ln_final.weight")));
        tensors.Add(new("transformer.ln_f.bias", W("ln_final.bias")));
        if (!c.TiedEmbeddings) tensors.Add(new("lm_head.weight", W("unembed.weight")));

        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var config = new JsonObject
        {
            ["model_type"] = "gpt2", ["architectures"] = new JsonArray("GPT2LMHeadModel"), ["vocab_size"] = c.VocabSize, ["n_embd"] = c.DModel,
            ["n_layer"] = c.Layers, ["n_head"] = c.Heads, ["n_positions"] = c.MaxPositions, ["n_inner"] = c.DMlp,
            ["activation_function"] = c.Activation switch { ActivationKind.Gelu => "gelu", ActivationKind.Relu => "relu", _ => "gelu_new" },
            ["layer_norm_epsilon"] = c.NormEps, ["tie_word_embeddings"] = c.TiedEmbeddings, ["scale_attn_weights"] = true,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
