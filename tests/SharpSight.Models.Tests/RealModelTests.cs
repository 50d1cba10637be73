using System.Text;
using SharpSight.Models.Generation;
using SharpSight.Models.Loading;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Modules;
using SharpSight.Models.Tests.Reference;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

/// <summary>
/// A real trained model end to end: Karpathy's stories260K (Llama architecture, GQA 8/4 heads, trained on TinyStories),
/// converted from llama2.c's format to a Hugging Face folder the way convert_llama_weights_to_hf.py does (including its
/// q/k row permutation), loaded by <see cref="ModelLoader"/>, greedily decoded from BOS. The text must be Karpathy's
/// published sample.
/// </summary>
public class RealModelTests
{
    private const string PublishedSample = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

    [Fact]
    public void Stories260K_greedy_decoding_reproduces_the_published_sample()
    {
        using var folder = new TempFolder();
        var (config, weights) = Llama2c.ReadCheckpoint(SharedData.Path("models/llama2c-stories260K/stories260K.bin"));
        string[] pieces = Llama2c.ReadVocabulary(SharedData.Path("models/llama2c-stories260K/tok512.bin"));
        CheckpointFolder.Write(folder.Path, config, weights);
        using TransformerModel model = ModelLoader.Load(folder.Path);

        var ids = new List<long> { 1 };   // BOS
        var text = new StringBuilder();
        using var noGrad = no_grad();
        for (int step = 0; step < 40; step++)
        {
            using var scope = NewDisposeScope();
            long next = model.Forward(ids)[^1].argmax().item<long>();
            if (next == 1) break;
            text.Append(Llama2c.Decode(pieces, ids[^1], next));
            ids.Add(next);
        }
        Assert.StartsWith(PublishedSample, text.ToString());
    }

    [Fact]
    public void Stories260K_imported_by_the_product_runs_through_the_tokenizer_loader_and_the_generator_with_and_without_the_cache()
    {
        using var folder = new TempFolder();
        Llama2cImport.Convert(SharedData.Path("models/llama2c-stories260K/stories260K.bin"), folder.Path,
            SharedData.Path("models/llama2c-stories260K/tok512.model"));   // SentencePiece protobuf
        using TransformerModel model = ModelLoader.Load(folder.Path);
        ITokenizer tokenizer = TokenizerLoader.Load(folder.Path);
        var generator = new TextGenerator(model, tokenizer);

        var options = new GenerationOptions { MaxNewTokens = 40 };
        GenerationResult cached = generator.Generate("", options);                       // BOS only
        GenerationResult recomputed = generator.Generate("", options with { UseCache = false });
        Assert.Equal([1], cached.PromptIds);
        Assert.StartsWith(PublishedSample, cached.Text);
        Assert.Equal(cached.GeneratedIds, recomputed.GeneratedIds);

        // The prompt's continuation as a seeded sample is reproducible token for token.
        var sampling = options with { Temperature = 0.8, TopP = 0.9, Seed = 2024 };
        Assert.Equal(generator.Generate("Once upon a time", sampling).GeneratedIds, generator.Generate("Once upon a time", sampling).GeneratedIds);
    }

    /// <summary>Reads llama2.c's legacy checkpoint and tokenizer formats (test-side converter, independent of the loader).</summary>
    private static class Llama2c
    {
        public static (System.Text.Json.Nodes.JsonObject Config, Dictionary<string, RefTensor> Weights) ReadCheckpoint(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            int dim = reader.ReadInt32(), hidden = reader.ReadInt32(), layers = reader.ReadInt32(), heads = reader.ReadInt32(),
                kvHeads = reader.ReadInt32(), vocabRaw = reader.ReadInt32(), seqLen = reader.ReadInt32();
            int vocab = Math.Abs(vocabRaw), headDim = dim / heads, kvDim = kvHeads * headDim;
            Assert.True(vocabRaw > 0, "stories260K shares its classifier with the embedding");

            double[] Read(int n) { var a = new double[n]; for (int i = 0; i < n; i++) a[i] = reader.ReadSingle(); return a; }
            double[] Slice(double[] all, int layer, int n) => all.AsSpan(layer * n, n).ToArray();
            RefTensor Matrix(double[] d, int rows, int columns) => new([rows, columns], d);

            double[] embedding = Read(vocab * dim), attentionNorm = Read(layers * dim), wq = Read(layers * dim * dim),
                wk = Read(layers * kvDim * dim), wv = Read(layers * kvDim * dim), wo = Read(layers * dim * dim),
                mlpNorm = Read(layers * dim), w1 = Read(layers * hidden * dim), w2 = Read(layers * dim * hidden),
                w3 = Read(layers * hidden * dim), finalNorm = Read(dim);

            var weights = new Dictionary<string, RefTensor> { ["model.embed_tokens.weight"] = Matrix(embedding, vocab, dim) };
            for (int l = 0; l < layers; l++)
            {
                string p = $"model.layers.{l}.";
                weights[p + "input_layernorm.weight"] = RefTensor.FromVector(Slice(attentionNorm, l, dim));
                weights[p + "self_attn.q_proj.weight"] = Matrix(InterleavedToHalves(Slice(wq, l, dim * dim), heads, dim, dim), dim, dim);
                weights[p + "self_attn.k_proj.weight"] = Matrix(InterleavedToHalves(Slice(wk, l, kvDim * dim), kvHeads, kvDim, dim), kvDim, dim);
                weights[p + "self_attn.v_proj.weight"] = Matrix(Slice(wv, l, kvDim * dim), kvDim, dim);
                weights[p + "self_attn.o_proj.weight"] = Matrix(Slice(wo, l, dim * dim), dim, dim);
                weights[p + "post_attention_layernorm.weight"] = RefTensor.FromVector(Slice(mlpNorm, l, dim));
                weights[p + "mlp.gate_proj.weight"] = Matrix(Slice(w1, l, hidden * dim), hidden, dim);
                weights[p + "mlp.down_proj.weight"] = Matrix(Slice(w2, l, dim * hidden), dim, hidden);
                weights[p + "mlp.up_proj.weight"] = Matrix(Slice(w3, l, hidden * dim), hidden, dim);
            }
            weights["model.norm.weight"] = RefTensor.FromVector(finalNorm);
            var config = TinyCheckpoints.Llama(layers: layers, dModel: dim, heads: heads, kvHeads: kvHeads, vocab: vocab,
                positions: seqLen, intermediate: hidden, tied: true, rmsNormEps: 1e-5, ropeTheta: 10000);
            return (config, weights);
        }

        // llama2.c rotates interleaved pairs (0,1),(2,3)…; HF rotates halves. convert_llama_weights_to_hf.py permutes rows:
        // new row (head, half, j) = old row (head, j, half).
        private static double[] InterleavedToHalves(double[] w, int heads, int rows, int columns)
        {
            var result = new double[w.Length];
            int half = rows / heads / 2;
            for (int head = 0; head < heads; head++)
                for (int side = 0; side < 2; side++)
                    for (int j = 0; j < half; j++)
                        Array.Copy(w, (head * 2 * half + 2 * j + side) * columns, result, (head * 2 * half + side * half + j) * columns, columns);
            return result;
        }

        public static string[] ReadVocabulary(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            reader.ReadInt32();   // max token length
            var pieces = new string[512];
            for (int i = 0; i < pieces.Length; i++)
            {
                reader.ReadSingle();   // merge score
                pieces[i] = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
            }
            return pieces;
        }

        public static string Decode(string[] pieces, long previous, long token)
        {
            string piece = pieces[token];
            if (previous == 1 && piece.StartsWith(' ')) piece = piece[1..];   // SentencePiece drops the space after BOS
            if (piece.Length == 6 && piece.StartsWith("<0x") && piece.EndsWith('>')) piece = ((char)Convert.ToByte(piece[3..5], 16)).ToString();
            return piece;
        }
    }
}
