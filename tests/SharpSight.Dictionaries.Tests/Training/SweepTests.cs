using SharpSight.Core.TensorFiles;
using SharpSight.Dictionaries.Activations;
using SharpSight.Dictionaries.Formats;
using SharpSight.Dictionaries.Tests.Activations;
using SharpSight.Dictionaries.Training;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Training;

public sealed class SweepTests : IDisposable
{
    private const string Hook = "blocks.0.hook_resid_post";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharpsight-sweep-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static SweepPlan Plan(int steps, params (string Name, TrainingMethod Method)[] methods) => new()
    {
        Entries = [.. methods.Select(m => new SweepEntry(m.Name,
            new DictionaryConfig
            {
                Architecture = new DictionaryTrainingOptions { Method = m.Method }.Architecture,
                InputSize = 32, Width = 64, K = 4,
                MatryoshkaGroups = m.Method == TrainingMethod.Matryoshka ? [16, 16, 32] : null,
            },
            new DictionaryTrainingOptions { Method = m.Method, Seed = 5, ThresholdStartStep = 2, DeadAfterTokens = 256, ResampleEvery = m.Method == TrainingMethod.Standard ? 4 : 0 }))],
        Steps = steps,
        BatchSize = 64,
        CheckpointEvery = 3,
        LogEvery = 1,
        NormalizationBatches = 2,
    };

    private static Func<long, IEnumerator<Tensor>> Stream(TransformerModel model) => start =>
    {
        var store = ActivationStore.FromModel(model, OthelloTokenSource.Random(400, 9),
            new ActivationStoreOptions { Hook = Hook, DIn = 32, BatchSize = 64, BufferSize = 2048, ModelBatchSize = 8, Seed = 3, StartBatch = start });
        return Drain(store).GetEnumerator();
    };

    private static IEnumerable<Tensor> Drain(ActivationStore store)
    {
        using (store)
            while (store.NextBatch() is { } batch)
                yield return batch;
    }

    private sealed class StopAt(long step, CancellationTokenSource cancel) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value)
        {
            if (value.Step == step) cancel.Cancel();
        }
    }

    private static readonly (string, TrainingMethod)[] Methods =
        [("standard", TrainingMethod.Standard), ("topk", TrainingMethod.TopK), ("batchtopk", TrainingMethod.BatchTopK), ("matryoshka", TrainingMethod.Matryoshka),
         ("jumprelu", TrainingMethod.JumpRelu), ("gated", TrainingMethod.Gated), ("panneal", TrainingMethod.PAnneal), ("april", TrainingMethod.April)];

    [Fact]
    public void A_stopped_and_resumed_sweep_ends_bit_identical_to_an_uninterrupted_one()
    {
        using TransformerModel model = TestData.OthelloModel();
        SweepPlan plan = Plan(8, Methods) with { Entries = [.. Plan(8, Methods).Entries.Select(e => e with { Options = e.Options with { AnnealStartStep = 2, SparsityUpdates = 4 } })] };
        string straight = Path.Combine(_root, "straight"), resumed = Path.Combine(_root, "resumed");

        foreach (SparseDictionary d in DictionarySweep.Run(plan, Stream(model), straight).Values) d.Dispose();

        using (var cancel = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => DictionarySweep.Run(plan, Stream(model), resumed, new StopAt(5, cancel), cancel.Token));
        Assert.True(File.Exists(Path.Combine(resumed, "checkpoints", "latest.json")));
        Assert.False(File.Exists(Path.Combine(resumed, "topk", "cfg.json")), "nothing is exported before the end");
        foreach (SparseDictionary d in DictionarySweep.Run(plan, Stream(model), resumed).Values) d.Dispose();

        foreach ((string name, _) in Methods)
        {
            using var a = SafetensorsFile.Open(Path.Combine(straight, name, SaeLensFolder.WeightsFile));
            using var b = SafetensorsFile.Open(Path.Combine(resumed, name, SaeLensFolder.WeightsFile));
            foreach (TensorEntry entry in a.Entries)
            {
                using Tensor x = a.Read(entry.Name), y = b.Read(entry.Name);
                Assert.True(x.eq(y).all().item<bool>(), $"{name}.{entry.Name} differs after resuming");
            }
            Assert.Equal(File.ReadAllText(Path.Combine(straight, name, "metrics.jsonl")), File.ReadAllText(Path.Combine(resumed, name, "metrics.jsonl")));
            Assert.Equal(8, File.ReadAllLines(Path.Combine(straight, name, "metrics.jsonl")).Length);
        }
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        using TransformerModel model = TestData.OthelloModel();
        SweepPlan plan = Plan(6, ("topk", TrainingMethod.TopK));
        Func<long, IEnumerator<Tensor>> poisoned = start => Poison(Stream(model)(start), start);
        string folder = Path.Combine(_root, "nan");
        var error = Assert.Throws<NonFiniteLossException>(() => DictionarySweep.Run(plan, poisoned, folder));
        Assert.Contains("topk", error.Message);
        Assert.Contains("step 5", error.Message);
        Assert.Contains("last good checkpoint", error.Message);
        Assert.Contains("step-00000003", string.Join(",", Directory.GetDirectories(Path.Combine(folder, "checkpoints")).Select(Path.GetFileName)));
    }

    // Batch 4 (the fifth step) holds a NaN; the normalisation pass reads batches 0 and 1 only.
    private static IEnumerator<Tensor> Poison(IEnumerator<Tensor> batches, long start)
    {
        for (long index = start; batches.MoveNext(); index++)
        {
            Tensor batch = batches.Current;
            if (index == 4) batch[0, 0] = tensor(float.NaN);
            yield return batch;
        }
    }

    [Fact]
    public void Sweep_files_are_read_and_bad_ones_named_with_the_field()
    {
        Directory.CreateDirectory(_root);
        string path = Path.Combine(_root, "sweep.json");
        File.WriteAllText(path, """
            { "hook": "blocks.3.hook_resid_post", "tokens": "1.5M", "batch_size": 2048, "seed": 4,
              "dictionaries": [ { "name": "a", "arch": "topk", "width": 1024, "k": 16 },
                                { "arch": "jumprelu", "width": 512, "jumprelu_sparsity": "tanh", "l1": 0.5 },
                                { "name": "m", "arch": "matryoshka", "width": 1024, "k": 16, "decay_start": 600, "threshold_start": 150 } ] }
            """);
        SweepFile file = SweepFile.Load(path);
        Assert.Equal(1_500_000, file.Tokens);
        Assert.Equal(2048, file.BatchSize);
        Assert.Equal(TrainingMethod.TopK, file.Dictionaries[0].Options.Method);
        Assert.Equal("jumprelu-512", file.Dictionaries[1].Name);
        Assert.Equal(JumpReluSparsity.Tanh, file.Dictionaries[1].Options.JumpReluSparsity);
        Assert.Equal(0.5, file.Dictionaries[1].Options.Coefficient);
        Assert.Equal(600, file.Dictionaries[2].Options.DecayStartStep);
        Assert.Equal(150, file.Dictionaries[2].Options.ThresholdStartStep);
        Assert.Equal(1000, file.Dictionaries[0].Options.ThresholdStartStep);
        SweepEntry matryoshka = file.Dictionaries[2].ToEntry(256, new DictionaryMetadata());
        Assert.Equal([64, 64, 128, 256, 512], matryoshka.Config.MatryoshkaGroups);

        File.WriteAllText(path, """{ "hook": "h", "dictionaries": [ { "arch": "sparsemax", "width": 8 } ] }""");
        Assert.Contains("dictionaries[0]: unknown architecture 'sparsemax'", Assert.Throws<ArgumentException>(() => SweepFile.Load(path)).Message);
        File.WriteAllText(path, """{ "hook": "h", "dictionaries": [ { "arch": "topk", "width": "wide" } ] }""");
        Assert.Contains("field 'width' is \"wide\"", Assert.Throws<ArgumentException>(() => SweepFile.Load(path)).Message);
        File.WriteAllText(path, """{ "hook": "h", "dictionaries": [ { "arch": "topk", "width": 8, "kk": 2 } ] }""");
        Assert.Contains("unknown field 'kk'", Assert.Throws<ArgumentException>(() => SweepFile.Load(path)).Message);
        File.WriteAllText(path, """{ "hook": "h", "tokens": "lots", "dictionaries": [ { "arch": "topk", "width": 8 } ] }""");
        Assert.Contains("'tokens' is 'lots'", Assert.Throws<ArgumentException>(() => SweepFile.Load(path)).Message);
        File.WriteAllText(path, """{ "hook": "h", "dictionaries": [ { "arch": 5, "width": 8 } ] }""");
        Assert.Contains("dictionaries[0]: field 'arch' is 5, expected a string", Assert.Throws<ArgumentException>(() => SweepFile.Load(path)).Message);
        File.WriteAllText(path, """{ "hook": "h", "tokens": 3000000, "dictionaries": [ { "name": "relu-l1-0.02", "arch": "standard", "width": 8 } ] }""");
        Assert.Equal(3_000_000, SweepFile.Load(path).Tokens);
    }

    [Fact]
    public void The_sweep_files_of_the_docs_load()
    {
        var docs = new DirectoryInfo(AppContext.BaseDirectory);
        while (docs is not null && !Directory.Exists(Path.Combine(docs.FullName, "docs", "sweeps"))) docs = docs.Parent;
        Assert.NotNull(docs);
        string[] files = Directory.GetFiles(Path.Combine(docs.FullName, "docs", "sweeps"), "*.json");
        Assert.Equal(3, files.Length);
        foreach (string file in files)
            Assert.All(SweepFile.Load(file).Dictionaries, d => Assert.True(d.Width == 2048, $"{file}: {d.Name}"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void A_dictionary_name_that_is_not_a_folder_name_is_refused(string name)
    {
        SweepPlan plan = Plan(2, ("ok", TrainingMethod.TopK));
        plan = plan with { Entries = [plan.Entries[0] with { Name = name }] };
        var error = Assert.Throws<ArgumentException>(() => DictionarySweep.Run(plan, _ => Enumerable.Empty<Tensor>().GetEnumerator(), _root));
        Assert.Equal($"dictionary name '{name}' cannot be a folder name", error.Message);
    }
}
