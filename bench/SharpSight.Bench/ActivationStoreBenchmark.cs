using System.Diagnostics;
using System.Globalization;
using SharpSight.Dictionaries.Activations;
using SharpSight.Games.Othello;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>
/// The activation store over a long run: a random-weight Othello-shaped model, random games, the resid_post of one layer.
/// Reports activations/s of the store, the same model's full forward passes over the same number of games (the ratio shows
/// the store's overhead against the early stop after the hook), the resident set sampled every 2% of the run (flat means
/// buffers are reused and every tensor is disposed), and the throughput of writing and reading an on-disk cache.
/// </summary>
internal static class ActivationStoreBenchmark
{
    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        long tokens = Arguments.Int(args, "--tokens", 20_000_000);
        int layers = Arguments.Int(args, "--layers", 2), dModel = Arguments.Int(args, "--d-model", 64), layer = Arguments.Int(args, "--layer", 0);
        int batch = Arguments.Int(args, "--batch", 4096), buffer = Arguments.Int(args, "--buffer", 1 << 18);
        int cacheTokens = Arguments.Int(args, "--cache-tokens", 2_000_000);

        using TransformerModel model = OthelloModel(layers, dModel);
        int games = (int)(tokens / 50) + 1000;   // random games average ~58 moves: more than enough; the limit stops the stream
        var source = OthelloTokenSource.Random(games, 1);
        var options = new ActivationStoreOptions { Hook = $"blocks.{layer}.hook_resid_post", BatchSize = batch, BufferSize = buffer, MaxActivations = tokens, Seed = 1 };
        Console.WriteLine(string.Create(inv, $"model: {layers} layers, d_model {dModel}, hook {options.Hook}; {tokens:N0} activations in batches of {batch}, buffer {buffer:N0}; torch threads {get_num_threads()}"));

        var rss = new List<(long Batch, double Mb, double ManagedMb)>();
        long expectedBatches = tokens / batch, every = Math.Max(1, expectedBatches / 50), served = 0;
        var watch = Stopwatch.StartNew();
        int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        using (var store = ActivationStore.FromModel(model, source, options))
        {
            while (store.NextBatch() is { } next)
            {
                served += next.shape[0];
                next.Dispose();
                if (store.NextBatchIndex % every == 0) rss.Add((store.NextBatchIndex, Environment.WorkingSet / 1e6, GC.GetTotalMemory(false) / 1e6));
            }
        }
        double seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(inv, $"store: {served:N0} activations in {seconds:F1} s = {served / seconds:N0} activations/s ({served / seconds / batch:F1} batches/s); GC gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}"));
        if (rss.Count > 4)
        {
            var settled = rss.Skip(rss.Count / 10).ToList();
            Console.WriteLine(string.Create(inv,
                $"resident set: {rss[0].Mb:F0} MB at batch {rss[0].Batch}, {settled[0].Mb:F0} MB at batch {settled[0].Batch} (10%), max {settled.Max(r => r.Mb):F0} MB, end {rss[^1].Mb:F0} MB; managed heap {settled.Min(r => r.ManagedMb):F1}..{settled.Max(r => r.ManagedMb):F1} MB"));
            Console.WriteLine("resident set every 2% (MB): " + string.Join(" ", rss.Select(r => r.Mb.ToString("F0", inv))));
        }

        // Resume three quarters of the way in: the source is read up to there, the model runs for about one buffer fill.
        long resumeAt = expectedBatches * 3 / 4;
        watch.Restart();
        using (var store = ActivationStore.FromModel(model, source, options with { StartBatch = resumeAt }))
            store.NextBatch()?.Dispose();
        Console.WriteLine(string.Create(inv, $"resume at batch {resumeAt:N0} ({resumeAt * batch:N0} activations in): first batch after {watch.Elapsed.TotalSeconds:F1} s ({seconds * 3 / 4:F1} s to get there without a resume)"));

        // The same model's full forward passes (to the logits) over 1/20 of the games: the store's cost per activation against it.
        int forwardGames = Math.Max(32, games / 20);
        watch.Restart();
        long forwardTokens = 0;
        using (no_grad())
        {
            foreach (OthelloGame[] chunk in OthelloRandomGames.Generate(forwardGames, 1).Chunk(32))
            {
                using var scope = NewDisposeScope();
                Tensor ids = tensor(chunk.SelectMany(g => OthelloVocabulary.Encode(g, 60)).Select(t => (long)t).ToArray(), [chunk.Length, 60]);
                model.Forward(ids);
                forwardTokens += chunk.Sum(g => g.MoveCount);
            }
        }
        double forwardRate = forwardTokens / watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(inv, $"full forward passes: {forwardRate:N0} real tokens/s; ratio store/forward = {served / seconds / forwardRate:F2}"));

        // Cache: write, then serve from it.
        string folder = Path.Combine(Path.GetTempPath(), "sharpsight-bench-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cacheOptions = options with { MaxActivations = cacheTokens };
            watch.Restart();
            ActivationDiskCache cache = ActivationDiskCache.Write(folder, model, ModelIdentity.FromParameters(model), source, cacheOptions);
            double write = watch.Elapsed.TotalSeconds;
            watch.Restart();
            long read = 0;
            using (var store = ActivationStore.FromCache(cache, cacheOptions))
                while (store.NextBatch() is { } next)
                    using (next) read += next.shape[0];
            double readSeconds = watch.Elapsed.TotalSeconds;
            long bytes = cache.Index.Activations * cache.Index.DIn * 4L;
            Console.WriteLine(string.Create(inv,
                $"cache: wrote {cache.Index.Activations:N0} activations ({bytes / 1e6:F0} MB, {cache.Index.Shards.Count} shards) at {cache.Index.Activations / write:N0}/s; served {read:N0} from it at {read / readSeconds:N0}/s"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    private static TransformerModel OthelloModel(int layers, int dModel)
    {
        int heads = Math.Max(1, dModel / 32);
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = OthelloVocabulary.Size, DModel = dModel, Layers = layers, Heads = heads, KeyValueHeads = heads,
            HeadDim = dModel / heads, DMlp = 4 * dModel, MaxPositions = OthelloGame.MaxMoves, Norm = NormKind.LayerNorm, NormEps = 1e-5,
            Activation = ActivationKind.GeluTanh, GatedMlp = false, Positions = PositionKind.Learned, TiedEmbeddings = false, QkvBias = true,
            AttentionOutBias = true, MlpBias = true, AttentionScale = 1 / Math.Sqrt(dModel / heads), SlidingWindows = new int?[layers],
        });
        RandomWeights.Initialize(model, 1);
        return model;
    }
}
