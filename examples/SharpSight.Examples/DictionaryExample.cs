using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Activations;
using SharpSight.Dictionaries.Attachment;
using SharpSight.Dictionaries.Evaluation;
using SharpSight.Dictionaries.Formats;
using SharpSight.Dictionaries.Training;
using SharpSight.Games.Laboratory;
using SharpSight.Games.Othello;
using SharpSight.Models.Modules;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Examples;

/// <summary>The runnable example of docs/dictionaries.md, on the shipped Othello laboratory model.</summary>
internal static class DictionaryExample
{
    private const string Hook = "blocks.1.hook_resid_post";
    private const string Opening = "f5 d6 c3 d3 c4 f4 f6 f3 e6 e7";

    /// <summary>
    /// Trains a TopK dictionary on the residual stream after block 1 (300 steps of 1,024 activations of random games),
    /// reads it back from its SAELens folder, scores it on games it never saw, then splices it into the model and ablates
    /// the strongest feature at the last move of an opening through the trace API.
    /// </summary>
    public static void Run()
    {
        using TransformerModel model = OthelloLaboratory.LoadModel(OthelloLaboratory.DefaultFolder());
        int dIn = (int)model.Hooks[Hook].Shape.Dims[^1].Size;
        string folder = Path.Combine(Path.GetTempPath(), $"sharpsight-example-sae-{Environment.ProcessId}");
        var store = new ActivationStoreOptions { Hook = Hook, DIn = dIn, BatchSize = 1024, Seed = 0 };
        var plan = new SweepPlan
        {
            Entries = [new SweepEntry("topk",
                new DictionaryConfig { Architecture = DictionaryArchitecture.TopK, InputSize = dIn, Width = 1024, K = 32,
                    Metadata = new DictionaryMetadata { ModelName = "othello-lab", HookName = Hook, ContextSize = 60 } },
                new DictionaryTrainingOptions { Method = TrainingMethod.TopK, LearningRate = 3e-3 })],
            Steps = 300,
            BatchSize = 1024,
            CheckpointEvery = 100,
            DataDescription = "random games, seed 0",
        };
        try
        {
            foreach (SparseDictionary trained in DictionarySweep.Run(plan, start => Batches(model, OthelloTokenSource.Random(6000, 0), store with { StartBatch = start }).GetEnumerator(), folder).Values)
                trained.Dispose();
            using SparseDictionary sae = SaeLensFolder.Read(Path.Combine(folder, "topk"));
            using var tally = new ReconstructionTally(sae);
            foreach (Tensor batch in Batches(model, OthelloTokenSource.Random(1500, 1_000_000), store with { Seed = 1 }).Take(50))
                using (batch) tally.Add(batch);
            ReconstructionScore score = tally.Score();
            Console.WriteLine($"TopK dictionary (width 1024, k 32) on {Hook}, trained on {plan.Steps * plan.BatchSize:N0} activations;");
            Console.WriteLine($"held-out games: L0 {score.L0:F1}, fraction of variance explained {score.FractionOfVarianceExplained:F3}");
            Ablate(model, sae);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Console.WriteLine();
    }

    private static void Ablate(TransformerModel model, SparseDictionary sae)
    {
        OthelloGame game = OthelloTranscript.Parse(Opening.Replace(" ", ""));
        long[] ids = [.. OthelloVocabulary.Encode(game).Select(t => (long)t)];
        Tensor plain;
        using (no_grad()) plain = model.Forward(ids);
        using AttachedDictionary attached = AttachedDictionary.Attach(model, Hook, sae);
        string features = attached.PointName("hook_sae_acts_post");

        // Read the features at the last move; with the error term kept, the model computes what it did without the dictionary.
        var read = new Trace(model);
        TraceInput clean = read.Input(ids);
        read.Save("features", clean.Hook(features).Value[0, ^1]);
        read.Save("logits", clean.Logits.Value);
        using TraceResult first = read.Run();
        Console.WriteLine($"spliced in with its error term: max |logit change| {(first["logits"] - plain).abs().max().item<float>():G2}");
        Tensor f = first["features"];
        long[] strongest = [.. f.argsort(descending: true).data<long>().Take(5)];
        Console.WriteLine($"after {Opening}: {f.gt(0).sum().item<long>()} active features, strongest " +
            string.Join(", ", strongest.Select(i => $"#{i} ({f[i].item<float>():F2})")));

        // Ablate the strongest feature at the last position and compare the next-move predictions.
        var edit = new Trace(model);
        TraceInput ablated = edit.Input(ids);
        ablated.Hook(features).At(.., ^1, (int)strongest[0]).Set(0);
        edit.Save("logits", ablated.Logits.Value[0, ^1]);
        using TraceResult second = edit.Run();
        Console.WriteLine($"next move, clean:   {TopMoves(first["logits"][0, -1])}");
        Console.WriteLine($"next move, ablated: {TopMoves(second["logits"])}   (feature #{strongest[0]} set to 0 at the last move)");
    }

    private static string TopMoves(Tensor logits)
    {
        Tensor probabilities = logits.softmax(-1);
        return string.Join("  ", probabilities.argsort(descending: true).data<long>().Take(4)
            .Select(t => $"{OthelloVocabulary.TokenName((int)t)} {probabilities[t].item<float>():P0}"));
    }

    private static IEnumerable<Tensor> Batches(TransformerModel model, ITokenSource games, ActivationStoreOptions options)
    {
        using ActivationStore store = ActivationStore.FromModel(model, games, options);
        while (store.NextBatch() is { } batch) yield return batch;
    }
}
