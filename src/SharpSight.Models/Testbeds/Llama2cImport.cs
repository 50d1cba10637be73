using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.IO;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Loading;
using static TorchSharp.torch;

namespace SharpSight.Models.Testbeds;

/// <summary>
/// Converts a llama2.c checkpoint (Karpathy's legacy "version 0" .bin: seven int32 header fields, then float32 weights)
/// into a Hugging Face Llama folder, the way transformers' convert_llama_weights_to_hf.py lays it out, so small trained
/// models such as stories260K run through the ordinary loader.
/// </summary>
public static class Llama2cImport
{
    /// <summary>Writes config.json and model.safetensors (and copies a SentencePiece tokenizer.model if given) into <paramref name="folder"/>.</summary>
    public static void Convert(string checkpoint, string folder, string? tokenizerModel = null)
    {
        if (!File.Exists(checkpoint)) throw new ModelLoadException($"{checkpoint}: file not found");
        using var reader = new BinaryReader(File.OpenRead(checkpoint));
        if (reader.BaseStream.Length < 28) throw new ModelLoadException($"{checkpoint}: too short for a llama2.c header ({reader.BaseStream.Length} bytes)");
        int dim = reader.ReadInt32(), hidden = reader.ReadInt32(), layers = reader.ReadInt32(), heads = reader.ReadInt32(),
            kvHeads = reader.ReadInt32(), vocabRaw = reader.ReadInt32(), seqLen = reader.ReadInt32();
        int vocab = Math.Abs(vocabRaw);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0 || dim % heads != 0 || heads % kvHeads != 0)
            throw new ModelLoadException($"{checkpoint}: header (dim {dim}, hidden {hidden}, layers {layers}, heads {heads}, kv heads {kvHeads}, vocab {vocabRaw}, seq {seqLen}) is not a llama2.c model");
        int headDim = dim / heads, kvDim = kvHeads * headDim;
        bool tied = vocabRaw > 0;   // llama2.c: a negative vocab size means a separate classifier follows

        long expectedFloats = (long)vocab * dim + layers * (2L * dim + 2L * dim * dim + 2L * kvDim * dim + 3L * hidden * dim) + dim
            + seqLen * headDim + (tied ? 0 : (long)vocab * dim);
        if (reader.BaseStream.Length - 28 < expectedFloats * 4)
            throw new ModelLoadException($"{checkpoint}: {reader.BaseStream.Length - 28} bytes of weights, the header implies at least {expectedFloats * 4}");

        using var scope = NewDisposeScope();
        Tensor Read(params long[] shape)
        {
            long count = shape.Aggregate(1L, (p, s) => p * s);
            byte[] bytes = reader.ReadBytes(checked((int)(count * 4)));
            var values = new float[count];
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            return tensor(values, shape);
        }

        Tensor embedding = Read(vocab, dim), attentionNorm = Read(layers, dim), wq = Read(layers, dim, dim), wk = Read(layers, kvDim, dim),
            wv = Read(layers, kvDim, dim), wo = Read(layers, dim, dim), mlpNorm = Read(layers, dim), w1 = Read(layers, hidden, dim),
            w2 = Read(layers, dim, hidden), w3 = Read(layers, hidden, dim), finalNorm = Read(dim);
        _ = Read(seqLen, headDim);   // the precomputed rotary tables (freq_cis real and imaginary halves) are not needed
        Tensor? classifier = tied ? null : Read(vocab, dim);

        var weights = new List<KeyValuePair<string, Tensor>> { new("model.embed_tokens.weight", embedding) };
        for (int l = 0; l < layers; l++)
        {
            string p = $"model.layers.{l}.";
            weights.Add(new(p + "input_layernorm.weight", attentionNorm[l]));
            weights.Add(new(p + "self_attn.q_proj.weight", InterleavedToHalves(wq[l], heads)));
            weights.Add(new(p + "self_attn.k_proj.weight", InterleavedToHalves(wk[l], kvHeads)));
            weights.Add(new(p + "self_attn.v_proj.weight", wv[l]));
            weights.Add(new(p + "self_attn.o_proj.weight", wo[l]));
            weights.Add(new(p + "post_attention_layernorm.weight", mlpNorm[l]));
            weights.Add(new(p + "mlp.gate_proj.weight", w1[l]));
            weights.Add(new(p + "mlp.down_proj.weight", w2[l]));
            weights.Add(new(p + "mlp.up_proj.weight", w3[l]));
        }
        weights.Add(new("model.norm.weight", finalNorm));
        if (classifier is not null) weights.Add(new("lm_head.weight", classifier));

        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), [.. weights.Select(w => new KeyValuePair<string, Tensor>(w.Key, w.Value.contiguous()))],
            new Dictionary<string, string> { ["format"] = "pt", ["converted_from"] = Path.GetFileName(checkpoint) });
        if (tokenizerModel is not null) File.Copy(tokenizerModel, Path.Combine(folder, "tokenizer.model"), overwrite: true);
        var config = new JsonObject
        {
            ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"), ["vocab_size"] = vocab, ["hidden_size"] = dim,
            ["intermediate_size"] = hidden, ["num_hidden_layers"] = layers, ["num_attention_heads"] = heads, ["num_key_value_heads"] = kvHeads,
            ["max_position_embeddings"] = seqLen, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = tied, ["bos_token_id"] = 1, ["eos_token_id"] = 2,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    // llama2.c rotates interleaved pairs (0,1), (2,3), …; Hugging Face rotates halves. Like convert_llama_weights_to_hf.py,
    // reorder each head's rows: new row (half, j) = old row (j, half).
    private static Tensor InterleavedToHalves(Tensor weight, int heads)
    {
        long rows = weight.shape[0], columns = weight.shape[1];
        return weight.view(heads, rows / heads / 2, 2, columns).transpose(1, 2).reshape(rows, columns);
    }
}
