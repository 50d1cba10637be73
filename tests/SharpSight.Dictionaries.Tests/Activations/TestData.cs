using SharpSight.Dictionaries.Activations;
using SharpSight.Games.Othello;
using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers.Vocabularies;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Activations;

/// <summary>Tiny random models, tokenizers, temporary folders and helpers shared by the activation tests.</summary>
internal static class TestData
{
    public static TransformerModel Model(int vocab, int positions, int dModel = 32, long seed = 1)
    {
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = vocab, DModel = dModel, Layers = 2, Heads = 4, KeyValueHeads = 4, HeadDim = dModel / 4,
            DMlp = 2 * dModel, MaxPositions = positions, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh,
            GatedMlp = false, Positions = PositionKind.Learned, TiedEmbeddings = true, QkvBias = true, AttentionOutBias = true,
            MlpBias = true, AttentionScale = 1 / Math.Sqrt(dModel / 4), SlidingWindows = new int?[2],
        });
        RandomWeights.Initialize(model, seed);
        return model;
    }

    public static TransformerModel OthelloModel() => Model(OthelloVocabulary.Size, OthelloGame.MaxMoves);

    /// <summary>Characters a..h and space, then &lt;s&gt; (BOS, id 9) and &lt;pad&gt; (id 10).</summary>
    public static CharacterTokenizer Characters() => CharacterTokenizer.FromCharacters("abcdefgh ", bosToken: "<s>", padToken: "<pad>");

    /// <summary>Every window of a source.</summary>
    public static List<(long[] Ids, bool[] Real)> Windows(ITokenSource source)
    {
        var windows = new List<(long[], bool[])>();
        using ITokenWindowReader reader = source.Open();
        while (true)
        {
            var ids = new long[source.ContextLength];
            var real = new bool[source.ContextLength];
            if (!reader.Read(ids, real)) return windows;
            windows.Add((ids, real));
        }
    }

    /// <summary>The hook's value at every real position (BOS positions left out when asked), one window at a time, unpadded.</summary>
    public static Tensor Reference(TransformerModel model, ITokenSource source, string hook, long? excludeId = null)
    {
        var rows = new List<Tensor>();
        using (no_grad())
        {
            foreach ((long[] ids, bool[] real) in Windows(source))
            {
                int length = real.Count(r => r);
                using Tensor input = tensor(ids[..length], ScalarType.Int64).unsqueeze(0);
                (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, input, include: name => name == hook);
                using (logits)
                using (cache)
                {
                    Tensor value = cache[hook][0].reshape(length, -1);
                    for (int p = 0; p < length; p++)
                        if (ids[p] != excludeId) rows.Add(value[p].clone());
                }
            }
        }
        Tensor all = stack(rows);
        foreach (Tensor row in rows) row.Dispose();
        return all;
    }

    /// <summary>Every batch of a store, concatenated [n, d] (null if none).</summary>
    public static Tensor? Drain(ActivationStore store, List<Tensor>? batches = null)
    {
        var all = new List<Tensor>();
        while (store.NextBatch() is { } batch)
        {
            all.Add(batch);
            batches?.Add(batch.clone());
        }
        if (all.Count == 0) return null;
        Tensor joined = cat(all, 0);
        foreach (Tensor t in all) t.Dispose();
        return joined;
    }

    /// <summary>
    /// Asserts that the rows of <paramref name="actual"/> are those of <paramref name="expected"/> in some order, each within
    /// <paramref name="tolerance"/> (batched and unbatched forward passes may differ in the last bits).
    /// </summary>
    public static void SameMultiset(Tensor expected, Tensor actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        Tensor distances = cdist(actual.to_type(ScalarType.Float64), expected.to_type(ScalarType.Float64));
        (Tensor nearest, Tensor index) = distances.min(1);
        Assert.True(nearest.max().item<double>() < tolerance, $"a served row is {nearest.max().item<double>()} from every reference row");
        // Reference rows can repeat (games sharing opening moves share their activations): compare multiplicities of groups
        // of equal rows, naming each group by its first row.
        Tensor same = cdist(expected.to_type(ScalarType.Float64), expected.to_type(ScalarType.Float64)).lt(tolerance).to_type(ScalarType.Int32);
        long[] group = same.argmax(1).data<long>().ToArray();
        long[] served = index.data<long>().ToArray().Select(i => group[i]).ToArray();
        Assert.Equal(group.CountBy(g => g).OrderBy(p => p.Key), served.CountBy(g => g).OrderBy(p => p.Key));
    }

    public static bool Equal(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.shape.SequenceEqual(p.Second.shape) && p.First.equal(p.Second).all().item<bool>());

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (Tensor t in tensors) t.Dispose();
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpsight-store-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Progress that records reports synchronously (Progress&lt;T&gt; posts them to the thread pool).</summary>
internal sealed class Recorder<T> : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public Action<T>? OnReport { get; init; }

    public void Report(T value)
    {
        Reports.Add(value);
        OnReport?.Invoke(value);
    }
}
