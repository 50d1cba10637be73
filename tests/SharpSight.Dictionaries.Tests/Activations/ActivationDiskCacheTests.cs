using SharpSight.Dictionaries.Activations;
using SharpSight.Games.Othello;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Activations;

public class ActivationDiskCacheTests
{
    private const string Resid = "blocks.1.hook_resid_post";
    private const long ShardBytes = 50 * 32 * 4;   // 50 rows: forward passes of 4 games (~230 rows) span several shards

    private static ActivationStoreOptions Options() => new() { Hook = Resid, DIn = 32, BatchSize = 29, BufferSize = 160, ModelBatchSize = 4, Seed = 4 };

    private static List<Tensor> All(ActivationStore store)
    {
        var batches = new List<Tensor>();
        TestData.Drain(store, batches)?.Dispose();
        return batches;
    }

    [Fact]
    public void A_cache_serves_the_same_batches_as_the_live_store_and_resumes_the_same()
    {
        using var folder = new TempFolder();
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(15, 3);
        var progress = new Recorder<ActivationProgress>();
        ActivationDiskCache cache = ActivationDiskCache.Write(folder.Path, model, "tiny-othello", source, Options(), ShardBytes, progress);

        ActivationCacheIndex index = cache.Index;
        int real = OthelloRandomGames.Generate(15, 3).Sum(g => g.MoveCount);
        Assert.True(index.Complete);
        Assert.True(index.Exhausted);
        Assert.Equal(("tiny-othello", Resid, 32, 60, source.Description), (index.ModelId, index.Hook, index.DIn, index.ContextLength, index.Source));
        Assert.Equal((15L, (long)real, (long)real, 50L), (index.Contexts, index.Tokens, index.Activations, index.ShardRows));
        Assert.Equal((real + 49) / 50, index.Shards.Count);
        Assert.Equal(index.Shards.Count, progress.Reports.Count(r => r.Phase == ActivationPhase.Caching));
        Assert.All(index.Shards, s => Assert.Equal(s.Rows * 32 * 4, new FileInfo(Path.Combine(folder.Path, s.File)).Length));

        List<Tensor> live, cached, resumed;
        using (var store = ActivationStore.FromModel(model, source, Options())) live = All(store);
        using (var store = ActivationStore.FromCache(cache, Options())) cached = All(store);
        using (var store = ActivationStore.FromCache(cache, Options() with { StartBatch = 9 })) resumed = All(store);
        Assert.True(live.Count > 12);
        Assert.True(TestData.Equal(live, cached));
        Assert.True(TestData.Equal(live[9..], resumed));
        TestData.DisposeAll([.. live, .. cached, .. resumed]);
    }

    [Fact]
    public void A_complete_cache_is_reused_and_a_mismatch_is_refused()
    {
        using var folder = new TempFolder();
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(3, 3);
        ActivationDiskCache.Write(folder.Path, model, "model-a", source, Options(), ShardBytes);
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(folder.Path, "shard-00000.f32"));

        var progress = new Recorder<ActivationProgress>();
        ActivationDiskCache again = ActivationDiskCache.Write(folder.Path, model, "model-a", source, Options(), ShardBytes, progress);
        Assert.Empty(progress.Reports);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder.Path, "shard-00000.f32")));
        Assert.True(again.Index.Complete);

        var error = Assert.Throws<ActivationCacheException>(() => ActivationDiskCache.Write(folder.Path, model, "model-b", source, Options()));
        Assert.Equal($"{folder.Path}: the cache was written for another model (cached: 'model-a', asked: 'model-b'); use another folder or delete this one", error.Message);
        error = Assert.Throws<ActivationCacheException>(() => ActivationDiskCache.Write(folder.Path, model, "model-a", source, Options() with { Hook = "blocks.0.hook_resid_post" }));
        Assert.Contains("another hook (cached: 'blocks.1.hook_resid_post', asked: 'blocks.0.hook_resid_post')", error.Message);
        var otherGames = OthelloTokenSource.Random(3, 4);
        error = Assert.Throws<ActivationCacheException>(() => ActivationDiskCache.Open(folder.Path, ActivationCacheKey.For("model-a", otherGames, Options())));
        Assert.Contains("another source (cached: 'othello-random 3 games seed 3; context 60', asked: 'othello-random 3 games seed 4; context 60')", error.Message);

        ActivationDiskCache opened = ActivationDiskCache.Open(folder.Path, ActivationCacheKey.For("model-a", source, Options()));
        error = Assert.Throws<ActivationCacheException>(() => ActivationStore.FromCache(opened, Options() with { Hook = "blocks.0.hook_resid_post" }));
        Assert.Contains("holds hook 'blocks.1.hook_resid_post', not 'blocks.0.hook_resid_post'", error.Message);
        error = Assert.Throws<ActivationCacheException>(() => ActivationDiskCache.Open(Path.Combine(folder.Path, "nothing"), opened.Index.Key));
        Assert.EndsWith("nothing: no activation cache (index.json not found)", error.Message);
    }

    [Fact]
    public void An_interrupted_write_is_continued_to_the_same_files()
    {
        using var whole = new TempFolder();
        using var interrupted = new TempFolder();
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(8, 6);
        ActivationDiskCache reference = ActivationDiskCache.Write(whole.Path, model, "m", source, Options(), ShardBytes);

        using var cancel = new CancellationTokenSource();
        var progress = new Recorder<ActivationProgress> { OnReport = r => { if (r.Activations >= 150) cancel.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => ActivationDiskCache.Write(interrupted.Path, model, "m", source, Options(), ShardBytes, progress, cancel.Token));
        ActivationCacheIndex partial = ActivationDiskCache.ReadIndex(interrupted.Path);
        Assert.False(partial.Complete);
        Assert.Equal(3, partial.Shards.Count);
        Assert.Contains("incomplete", Assert.Throws<ActivationCacheException>(() => ActivationDiskCache.Open(interrupted.Path, partial.Key)).Message);

        ActivationDiskCache resumed = ActivationDiskCache.Write(interrupted.Path, model, "m", source, Options(), ShardBytes);
        Assert.Equal(reference.Index with { }, resumed.Index with { Shards = reference.Index.Shards }, new IndexComparer());
        Assert.Equal(reference.Index.Shards, resumed.Index.Shards);
        foreach (ActivationShard shard in reference.Index.Shards)
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole.Path, shard.File)), File.ReadAllBytes(Path.Combine(interrupted.Path, shard.File)));
    }

    private sealed class IndexComparer : IEqualityComparer<ActivationCacheIndex>
    {
        public bool Equals(ActivationCacheIndex? x, ActivationCacheIndex? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(ActivationCacheIndex obj) => 0;
    }

    [Fact]
    public void A_limited_cache_serves_a_prefix_and_refuses_more()
    {
        using var folder = new TempFolder();
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(10, 2);
        ActivationDiskCache cache = ActivationDiskCache.Write(folder.Path, model, "m", source, Options() with { MaxActivations = 120 }, ShardBytes);
        Assert.Equal(120, cache.Index.Activations);
        Assert.False(cache.Index.Exhausted);

        List<Tensor> live, cached;
        using (var store = ActivationStore.FromModel(model, source, Options() with { MaxActivations = 100 })) live = All(store);
        using (var store = ActivationStore.FromCache(cache, Options() with { MaxActivations = 100 })) cached = All(store);
        Assert.Equal(3, live.Count);   // 100 activations in batches of 29, the partial one dropped
        Assert.True(TestData.Equal(live, cached));
        TestData.DisposeAll([.. live, .. cached]);

        var error = Assert.Throws<ActivationCacheException>(() => ActivationStore.FromCache(cache, Options()));
        Assert.Equal($"{folder.Path}: the cache holds only the first 120 activations (written with max_activations 120); asked for all: write it again with a larger limit in a new folder", error.Message);
        Assert.Throws<ActivationCacheException>(() => ActivationDiskCache.Write(folder.Path, model, "m", source, Options() with { MaxActivations = 500 }));
    }

    [Fact]
    public void A_damaged_shard_is_reported_by_name()
    {
        using var folder = new TempFolder();
        using TransformerModel model = TestData.OthelloModel();
        ActivationDiskCache cache = ActivationDiskCache.Write(folder.Path, model, "m", OthelloTokenSource.Random(4, 2), Options(), ShardBytes);
        string shard = Path.Combine(folder.Path, "shard-00001.f32");
        using (var file = new FileStream(shard, FileMode.Open)) file.SetLength(100);
        using var store = ActivationStore.FromCache(cache, Options());
        var error = Assert.Throws<ActivationCacheException>(() => TestData.Drain(store));
        Assert.Equal($"{shard}: 100 bytes, expected 6400 (50 rows × d_in 32 × 4); the cache is damaged", error.Message);
    }

    [Fact]
    public void Model_identities_follow_the_weights()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("config.json"), "{\"n_layer\": 2}");
        File.WriteAllBytes(folder.File("model.safetensors"), new byte[100]);
        File.WriteAllText(folder.File("README.md"), "notes");
        string id = ModelIdentity.FromFolder(folder.Path);
        Assert.StartsWith("folder sha256:", id);
        File.WriteAllText(folder.File("README.md"), "other notes");
        Assert.Equal(id, ModelIdentity.FromFolder(folder.Path));
        File.WriteAllBytes(folder.File("model.safetensors"), new byte[101]);
        Assert.NotEqual(id, ModelIdentity.FromFolder(folder.Path));

        using TransformerModel a = TestData.OthelloModel(), b = TestData.OthelloModel(), c = TestData.Model(61, 60, seed: 2);
        Assert.Equal(ModelIdentity.FromParameters(a), ModelIdentity.FromParameters(b));
        Assert.NotEqual(ModelIdentity.FromParameters(a), ModelIdentity.FromParameters(c));
    }
}
