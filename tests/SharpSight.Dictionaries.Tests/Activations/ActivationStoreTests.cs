using SharpSight.Dictionaries.Activations;
using SharpSight.Games.Othello;
using SharpSight.Models.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Activations;

public class ActivationStoreTests
{
    private const string Resid = "blocks.0.hook_resid_post";

    private static ActivationStoreOptions Small(ulong seed = 3) => new()
    {
        Hook = Resid, DIn = 32, BatchSize = 37, BufferSize = 200, ModelBatchSize = 4, Seed = seed, KeepLastPartialBatch = true,
    };

    [Fact]
    public void Served_activations_are_the_hook_values_at_real_positions_exactly_once()
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(9, 11);   // 9 games of different lengths; 4 per pass, so the last pass has 1
        int real = OthelloRandomGames.Generate(9, 11).Sum(g => g.MoveCount);
        using var store = ActivationStore.FromModel(model, source, Small());
        using Tensor served = TestData.Drain(store)!;
        using Tensor expected = TestData.Reference(model, source, Resid);
        Assert.Equal(real, served.shape[0]);
        TestData.SameMultiset(expected, served);
        Assert.Equal((real + 36) / 37, store.NextBatchIndex);
    }

    [Fact]
    public void Bos_positions_are_left_out_by_default_and_kept_when_asked()
    {
        var tokenizer = TestData.Characters();
        using TransformerModel model = TestData.Model(tokenizer.VocabSize, 8);
        var source = new TextTokenSource(TextCorpus.FromDocuments(["abcdefghhgfedcba", "abc", "hh", "a", "bcd"], "docs"), tokenizer, 8);
        var windows = TestData.Windows(source);
        int real = windows.Sum(w => w.Real.Count(r => r)), bos = windows.Sum(w => w.Ids.Count(id => id == 9));
        Assert.True(bos >= 5);

        using (var store = ActivationStore.FromModel(model, source, Small() with { DIn = null }))
        {
            using Tensor served = TestData.Drain(store)!;
            using Tensor expected = TestData.Reference(model, source, Resid, excludeId: 9);
            Assert.Equal(real - bos, served.shape[0]);
            TestData.SameMultiset(expected, served);
        }
        using (var store = ActivationStore.FromModel(model, source, Small() with { ExcludeBos = false }))
        {
            using Tensor served = TestData.Drain(store)!;
            using Tensor expected = TestData.Reference(model, source, Resid);
            Assert.Equal(real, served.shape[0]);
            TestData.SameMultiset(expected, served);
        }
    }

    [Fact]
    public void Hooks_of_heads_are_served_flattened()
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(3, 2);
        using var store = ActivationStore.FromModel(model, source, Small() with { Hook = "blocks.1.attn.hook_z", DIn = null });
        Assert.Equal(32, store.DIn);   // 4 heads × 8
        using Tensor served = TestData.Drain(store)!;
        using Tensor expected = TestData.Reference(model, source, "blocks.1.attn.hook_z");
        TestData.SameMultiset(expected, served);
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_and_another_seed_another_order()
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(12, 5);
        List<Tensor> a = [], b = [], c = [];
        using (var store = ActivationStore.FromModel(model, source, Small(seed: 1))) TestData.Drain(store, a)?.Dispose();
        using (var store = ActivationStore.FromModel(model, source, Small(seed: 1))) TestData.Drain(store, b)?.Dispose();
        using (var store = ActivationStore.FromModel(model, source, Small(seed: 2))) TestData.Drain(store, c)?.Dispose();
        Assert.True(a.Count > 10);
        Assert.True(TestData.Equal(a, b));
        Assert.False(TestData.Equal(a, c));
        using Tensor all = cat(a, 0), other = cat(c, 0);
        TestData.SameMultiset(all, other, tolerance: 1e-6);
        TestData.DisposeAll([.. a, .. b, .. c]);
    }

    [Fact]
    public void Batches_mix_activations_from_across_the_buffer()
    {
        // Position in the stream of each served activation: with the model's input as the identity (hook_embed of one-hot
        // ids is the id's embedding row), read the stream order back from which game and move a row came from.
        using TransformerModel model = TestData.OthelloModel();
        var source = new InMemoryTokenSource(1, Enumerable.Range(1, 60).Select(t => (IReadOnlyList<int>)[t]).ToList(), "ids 1..60");
        using var store = ActivationStore.FromModel(model, source, new ActivationStoreOptions { Hook = "hook_embed", BatchSize = 10, BufferSize = 24, Seed = 9 });
        using Tensor embedding = model.Embed.Weight.detach();
        var order = new List<int>();
        while (store.NextBatch() is { } batch)
            using (batch)
            using (Tensor distances = cdist(batch, embedding))
                order.AddRange(distances.argmin(1).data<long>().ToArray().Select(id => (int)id - 1));
        Assert.Equal(60, order.Count);
        Assert.Equal(Enumerable.Range(0, 60), order.Order());
        Assert.NotEqual(Enumerable.Range(0, 60), order);
        // Chunks of 12: every activation is served within two rounds of its chunk's arrival.
        int served = 0;
        foreach ((int position, int index) in order.Select((p, i) => (p, i)))
        {
            served++;
            Assert.True(position / 12 >= RoundOf(index) - 2 && position / 12 <= RoundOf(index), $"stream position {position} served at {index}");
        }

        // Round sizes with H = 12: 4, 4 + 4, then 12 each.
        static int RoundOf(int index) => index < 4 ? 0 : index < 12 ? 1 : 2 + (index - 12) / 12;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]    // inside round 1
    [InlineData(5)]    // a few rounds in
    [InlineData(13)]
    [InlineData(30)]   // near the end, in the drain rounds
    public void Resuming_at_a_batch_gives_the_tail_of_the_uninterrupted_stream(int start)
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(20, 8);
        ActivationStoreOptions options = Small() with { KeepLastPartialBatch = false };
        List<Tensor> full = [], resumed = [], sought = [];
        using (var store = ActivationStore.FromModel(model, source, options)) TestData.Drain(store, full)?.Dispose();
        using (var store = ActivationStore.FromModel(model, source, options with { StartBatch = start }))
        {
            Assert.Equal(start, store.NextBatchIndex);
            TestData.Drain(store, resumed)?.Dispose();
        }
        using (var store = ActivationStore.FromModel(model, source, options))
        {
            for (int i = 0; i < 3; i++) store.NextBatch()?.Dispose();
            store.Seek(start);
            TestData.Drain(store, sought)?.Dispose();
        }
        Assert.True(full.Count > start);
        Assert.True(TestData.Equal(full[start..], resumed));
        Assert.True(TestData.Equal(full[start..], sought));
        TestData.DisposeAll([.. full, .. resumed, .. sought]);
    }

    [Fact]
    public void Seeking_past_the_end_leaves_the_store_exhausted()
    {
        using TransformerModel model = TestData.OthelloModel();
        using var store = ActivationStore.FromModel(model, OthelloTokenSource.Random(2, 8), Small() with { StartBatch = 1000 });
        Assert.Null(store.NextBatch());
    }

    [Fact]
    public void A_limit_stops_the_stream_after_that_many_activations()
    {
        using TransformerModel model = TestData.OthelloModel();
        using var store = ActivationStore.FromModel(model, OthelloTokenSource.Random(10, 8), Small() with { MaxActivations = 100 });
        using Tensor served = TestData.Drain(store)!;
        Assert.Equal(100, served.shape[0]);
    }

    [Fact]
    public void The_mean_squared_norm_is_over_the_first_batches_and_keeps_the_position()
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(10, 4);
        ActivationStoreOptions options = Small();
        double expected;
        using (var store = ActivationStore.FromModel(model, source, options))
        {
            using Tensor first = cat([store.NextBatch()!, store.NextBatch()!, store.NextBatch()!], 0);
            expected = first.to_type(ScalarType.Float64).square().sum(1).mean().item<double>();
        }
        using (var store = ActivationStore.FromModel(model, source, options))
        {
            using Tensor batch0 = store.NextBatch()!, batch1 = store.NextBatch()!;
            Assert.Equal(expected, store.EstimateMeanSquaredNorm(3), 9);
            Assert.Equal(2, store.NextBatchIndex);
            using Tensor next = store.NextBatch()!;
            using var again = ActivationStore.FromModel(model, source, options with { StartBatch = 2 });
            using Tensor reference = again.NextBatch()!;
            Assert.True(next.equal(reference).all().item<bool>());
        }
    }

    [Fact]
    public void Unknown_hooks_and_wrong_widths_are_refused_clearly()
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(2, 1);
        var unknown = Assert.Throws<KeyNotFoundException>(() => ActivationStore.FromModel(model, source, Small() with { Hook = "blocks.0.hook_resid_pots" }));
        Assert.Contains("no hook point named 'blocks.0.hook_resid_pots'", unknown.Message);
        Assert.Contains("closest: blocks.0.hook_resid_post", unknown.Message);
        var width = Assert.Throws<ArgumentException>(() => ActivationStore.FromModel(model, source, Small() with { DIn = 64 }));
        Assert.Equal("hook point 'blocks.0.hook_resid_post' has d_in 32 (shape [batch, pos, 32]), expected 64", width.Message);
        var pattern = Assert.Throws<ArgumentException>(() => ActivationStore.FromModel(model, source, Small() with { Hook = "blocks.0.attn.hook_pattern", DIn = null }));
        Assert.Contains("has shape [batch, 4, query_pos, key_pos]", pattern.Message);
        var tooLong = Assert.Throws<ArgumentException>(() => ActivationStore.FromModel(TestData.Model(61, 30), source, Small()));
        Assert.Equal("context length 60 exceeds the model's 30 positions", tooLong.Message);
    }

    [Fact]
    public void Progress_is_reported_per_refill_and_the_buffer_stays_within_its_size()
    {
        using TransformerModel model = TestData.OthelloModel();
        var progress = new Recorder<ActivationProgress>();
        using var store = ActivationStore.FromModel(model, OthelloTokenSource.Random(10, 4), Small(), progress);
        using Tensor served = TestData.Drain(store)!;
        Assert.Equal(store.Refills, progress.Reports.Count(r => r.Phase == ActivationPhase.Filling));
        Assert.Equal(served.shape[0], store.ActivationsRead);
        Assert.Equal(10, progress.Reports[^1].Contexts);
        Assert.Equal(served.shape[0], progress.Reports[^1].Activations);
    }

    [Fact]
    public void Batches_read_inside_dispose_scopes_leave_the_store_intact_and_no_tensor_behind()
    {
        using TransformerModel model = TestData.OthelloModel();
        var source = OthelloTokenSource.Random(30, 6);
        ActivationStoreOptions options = Small() with { BatchSize = 50 };
        List<Tensor> expected = [], scoped = [];
        using (var store = ActivationStore.FromModel(model, source, options)) TestData.Drain(store, expected)?.Dispose();

        long live = -1;
        using (var store = ActivationStore.FromModel(model, source, options))
        {
            while (true)
            {
                // As a training step would: everything made during the step, the batch included, goes with its scope.
                using var step = NewDisposeScope();
                Tensor? batch = store.NextBatch();
                if (batch is null) break;
                scoped.Add(batch.clone().DetachFromDisposeScope());
                if (store.NextBatchIndex == 3) live = DisposeScopeManager.Statistics.ThreadTotalLiveCount - scoped.Count;
                if (store.NextBatchIndex == 25) Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount - scoped.Count);   // flat
            }
        }
        Assert.True(expected.Count > 25);
        Assert.True(TestData.Equal(expected, scoped));
        TestData.DisposeAll([.. expected, .. scoped]);
    }
}
