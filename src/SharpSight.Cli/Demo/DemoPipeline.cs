using System.Diagnostics;
using System.Globalization;
using SharpSight.Cli.Commands;
using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Activations;
using SharpSight.Dictionaries.Training;
using SharpSight.Evals.Dictionaries;
using SharpSight.Evals.Probing;
using SharpSight.Evals.Reporting;
using SharpSight.Games.Laboratory;
using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Cli.Demo;

/// <summary>
/// The demo, stage by stage: how well the model plays, what its residual stream says about the board (probes, edits),
/// then dictionaries of every architecture trained on it and on a random-init model of the same shape, scored with the
/// core, board and sparse-probing evaluations, and an HTML report of it all. Each stage is recorded when it finishes
/// (<see cref="DemoStages"/>), so an interrupted demo resumes where it stopped.
/// </summary>
internal sealed class DemoPipeline(DemoSettings settings, TextWriter output, bool live)
{
    private const string Trained = "trained", RandomInit = "random-init";
    private const int NormalizationBatches = 20;   // batches the sweep reads to set the input scale (dictionary_learning's √E‖x‖²)
    private readonly DemoStages _stages = new(settings.OutFolder, output);

    /// <summary>Runs (or resumes) every stage; returns the report's path.</summary>
    public string Run()
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.OutFolder);
        output.WriteLine("SharpSight demo: the Othello laboratory, end to end");
        output.WriteLine($"run folder {settings.OutFolder} (rerun the same command to resume an interrupted demo)");
        string modelFolder = settings.ModelFolder ?? TrainSmallModel();
        using TransformerModel trained = OthelloLaboratory.LoadModel(modelFolder);
        long parameters = trained.parameters().Sum(p => p.numel());
        output.WriteLine(Invariant($"model  {modelFolder}"));
        output.WriteLine(Invariant($"       {trained.Config.ModelType}, {trained.Config.Layers} layers, d_model {trained.Config.DModel}, {trained.Config.Heads} heads, {parameters:N0} parameters"));
        string modelKey = ModelIdentity.FromParameters(trained);
        using var control = new TransformerModel(trained.Config);
        RandomWeights.Initialize(control, seed: 7);

        output.WriteLine();
        _stages.Run("1-play", Key(modelKey, settings.Games, settings.ChampionshipGames), w => Play(w, trained));
        output.WriteLine();
        _stages.Run("2-probe-edit", Key(modelKey, settings.ProbeGames, settings.Edits), w => ProbeAndEdit(w, trained, control));

        output.WriteLine();
        output.WriteLine(Invariant($"4. Dictionaries: {settings.Dictionaries().Count} architectures, {settings.Width:N0} features, on {settings.Hook} of the model and of its random-init control"));
        string gamesFolder = Path.Combine(settings.OutFolder, "games");
        _stages.Run("4a-games", Key(settings.BoardGames, settings.Seed), w => WriteGames(w, gamesFolder));
        foreach ((string group, TransformerModel model) in new[] { (Trained, trained), (RandomInit, control) })
        {
            string identity = group == Trained ? modelKey : ModelIdentity.FromParameters(control);
            _stages.Run($"4b-activations-{group}", Key(identity, settings.Hook, settings.Tokens), w => CacheActivations(w, group, model, identity));
            _stages.Run($"4c-sweep-{group}", Key(identity, settings.Hook, settings.Tokens, settings.Width, settings.K, settings.BatchSize), w => Sweep(w, group, identity));
        }
        _stages.Run("4d-evaluate", Key(modelKey, settings.Hook, settings.Tokens, settings.Width, settings.K, settings.BoardGames), w => Evaluate(w, trained, control, gamesFolder));

        output.WriteLine();
        string report = Path.Combine(settings.OutFolder, "report.html");
        _stages.Run("5-report", Key(modelKey, settings.Hook, settings.Tokens, settings.Width, settings.K, settings.BoardGames), w =>
        {
            HtmlReport.Write(ResultsFolder, report);
            w.WriteLine(Invariant($"5. Report: {report}"));
        });
        output.WriteLine();
        output.WriteLine(Invariant($"done in {watch.Elapsed.TotalSeconds:F0} s{(_stages.Skipped > 0 ? $" ({_stages.Skipped} stages finished earlier)" : "")}"));
        output.WriteLine($"report: {Path.GetFullPath(report)}");
        return report;
    }

    private string ResultsFolder => Path.Combine(settings.OutFolder, "results");

    private string SweepFolder(string group) => Path.Combine(settings.OutFolder, "dictionaries", group);

    // --from-scratch: the small preset, trained into the run folder first (resumable like games train).
    private string TrainSmallModel()
    {
        string folder = Path.Combine(settings.OutFolder, "model-small");
        _stages.Run("0-train-small-model", Key(OthelloPresets.Small.Options.Steps, OthelloPresets.Small.Games), w =>
        {
            w.WriteLine("0. Train: a small Othello model from scratch (games train --preset small)");
            GamesCommand.TrainOthello(w, "small", folder, steps: null, gameSeed: 0);
        });
        return folder;
    }

    private void Play(TextWriter w, TransformerModel model)
    {
        w.WriteLine("1. Play: the share of positions whose top-1 predicted move is legal");
        Report(w, LegalMoveEvaluation.OnRandomGames(model, settings.Games, seed: settings.Seed));
        string? csv = OthelloLaboratory.FindChampionshipGames();
        if (settings.ChampionshipGames > 0 && csv is not null) Report(w, LegalMoveEvaluation.OnChampionshipGames(model, csv, settings.ChampionshipGames));
        else if (settings.ChampionshipGames > 0) w.WriteLine("   championship games: not found (shared/data/datasets/othello/othello_dataset.csv); skipped");
    }

    private void ProbeAndEdit(TextWriter w, TransformerModel trained, TransformerModel control)
    {
        int probed = settings.ProbeGames;
        w.WriteLine("2. Probe: linear probes of every square (empty / mine / theirs, relative to the player to move),");
        w.WriteLine(Invariant($"   fitted on {probed * 4 / 5:N0} random games, scored on {probed - probed * 4 / 5:N0}; a random-init model of the same shape as control"));
        OthelloGame[] probeSet = [.. OthelloRandomGames.Generate(probed, settings.Seed + 1)];
        string[] hooks = ["hook_embed", .. Enumerable.Range(0, trained.Config.Layers).Select(l => $"blocks.{l}.hook_resid_post")];
        var (probes, results) = OthelloBoardProbe.FitByHook(trained, probeSet, hooks);
        var baseline = OthelloBoardProbe.ByHook(control, probeSet, hooks);
        w.WriteLine($"   {"hook point",-26} {"all squares",11} {"occupied",9}   {"control all",11} {"control occ.",12}");
        for (int i = 0; i < hooks.Length; i++)
            w.WriteLine(Invariant($"   {hooks[i],-26} {results[i].Accuracy,11:P1} {results[i].OccupiedAccuracy,9:P1}   {baseline[i].Accuracy,11:P1} {baseline[i].OccupiedAccuracy,12:P1}"));
        ProbeAccuracy best = results.MaxBy(r => r.Accuracy)!;
        w.WriteLine(Invariant($"   best: {best.Hook}, {best.Accuracy:P1} of all squares and {best.OccupiedAccuracy:P1} of occupied ones"));

        w.WriteLine();
        w.WriteLine("3. Edit: flip one square's colour in the residual stream along the probe directions, from one layer on");
        w.WriteLine(Invariant($"   ({settings.Edits} positions), and count the top-N predicted moves that are illegal on the edited board (N = its legal-move count)"));
        KeyValuePair<string, LinearProbe>[] layerProbes = [.. hooks.Skip(1).Select(h => new KeyValuePair<string, LinearProbe>(h, probes[h]))];
        var edited = OthelloBoardEdit.ByHook(trained, layerProbes, [.. OthelloRandomGames.Generate(2 * settings.Edits, settings.Seed + 2)], settings.Edits, seed: settings.Seed);
        foreach (LinearProbe probe in probes.Values) probe.Dispose();
        w.WriteLine($"   {"edited from",-26} {"no edit",8} {"probe edit",11} {"random edit",12}");
        foreach (BoardEditResult result in edited)
            w.WriteLine(Invariant($"   {result.Hook,-26} {result.ErrorsWithoutEdit,8:F2} {result.ErrorsWithEdit,11:F2} {result.ErrorsWithRandomEdit,12:F2}"));
    }

    // The board metrics' 1,000 training and 1,000 test games, fresh seeds, kept as game files beside the results.
    private void WriteGames(TextWriter w, string folder)
    {
        Directory.CreateDirectory(folder);
        OthelloGameFile.Write(Path.Combine(folder, "board-train.bin"), OthelloRandomGames.Generate(settings.BoardGames, settings.Seed + 3));
        OthelloGameFile.Write(Path.Combine(folder, "board-test.bin"), OthelloRandomGames.Generate(settings.BoardGames, settings.Seed + 4));
        w.WriteLine(Invariant($"   games: {settings.BoardGames:N0} training and {settings.BoardGames:N0} test games for the evaluations in {folder}"));
    }

    private ActivationStoreOptions StoreOptions(int? dIn) => new()
    {
        Hook = settings.Hook, DIn = dIn, BatchSize = settings.BatchSize, Seed = settings.Seed,
        // The sweep also reads its first batches to set the input scale: a very short run needs those cached too.
        MaxActivations = (long)Math.Max(settings.Steps, NormalizationBatches) * settings.BatchSize,
    };

    // The training activations of one model, cached on disk: a resumed sweep reads exactly the batches it would have.
    private void CacheActivations(TextWriter w, string group, TransformerModel model, string identity)
    {
        var clock = Stopwatch.StartNew();
        int dIn = (int)model.Hooks[settings.Hook].Shape.Dims[^1].Size;
        ActivationDiskCache cache = ActivationDiskCache.Write(CacheFolder(group), model, identity, TrainingSource(), StoreOptions(dIn));
        w.WriteLine(Invariant($"   activations ({group} model): {cache.Index.Activations:N0} from {cache.Index.Contexts:N0} random games cached in {clock.Elapsed.TotalSeconds:F0} s"));
    }

    private string CacheFolder(string group) => Path.Combine(settings.OutFolder, "activations", group);

    // Training games: seeded random games no evaluation reads (the evaluations use the demo seed + 1..4).
    private OthelloTokenSource TrainingSource() => OthelloTokenSource.Random((int)(settings.Tokens / 40) + 1000, settings.Seed + 10);

    private void Sweep(TextWriter w, string group, string identity)
    {
        var clock = Stopwatch.StartNew();
        ActivationStoreOptions options = StoreOptions(null);
        ActivationDiskCache cache = ActivationDiskCache.Open(CacheFolder(group), ActivationCacheKey.For(identity, TrainingSource(), options));
        int dIn = cache.Index.DIn;
        var metadata = new DictionaryMetadata
        {
            ModelName = ModelName(group), HookName = settings.Hook,
            ContextSize = OthelloGame.MaxMoves, PrependBos = false, DatasetPath = TrainingSource().Description,
        };
        var plan = new SweepPlan
        {
            Entries = [.. settings.Dictionaries().Select(d => d.ToEntry(dIn, metadata))],
            Steps = settings.Steps,
            BatchSize = settings.BatchSize,
            NormalizationBatches = NormalizationBatches,
            CheckpointEvery = Math.Max(20, settings.Steps / 10),
            LogEvery = Math.Max(1, settings.Steps / 100),
            DataDescription = $"{identity} {settings.Hook} {cache.Index.Source}",
        };
        IEnumerator<Tensor> Open(long start) => Batches(ActivationStore.FromCache(cache, options with { StartBatch = start })).GetEnumerator();
        w.WriteLine(Invariant($"   training ({group} model): {plan.Entries.Count} dictionaries, {plan.Steps:N0} steps of {plan.BatchSize:N0} activations"));
        IReadOnlyDictionary<string, SparseDictionary>? dictionaries = null;
        SaeCommand.ShowSweep(output, plan, live, progress => dictionaries = DictionarySweep.Run(plan, Open, SweepFolder(group), new InlineProgress<SweepProgress>(progress)));
        foreach (SparseDictionary dictionary in dictionaries!.Values) dictionary.Dispose();
        w.WriteLine(Invariant($"   trained in {clock.Elapsed.TotalSeconds:F0} s: {SweepFolder(group)}"));
    }

    // The name dictionaries and results give the model: the folder's name, with a suffix for the random-init control.
    private string ModelName(string group) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(settings.ModelFolder ?? Path.Combine(settings.OutFolder, "model-small"))) + (group == RandomInit ? "-random-init" : "");

    private static IEnumerable<Tensor> Batches(ActivationStore store)
    {
        using (store)
            while (store.NextBatch() is { } batch)
                yield return batch;
    }

    private void Evaluate(TextWriter w, TransformerModel trained, TransformerModel control, string gamesFolder)
    {
        OthelloGame[] train = [.. OthelloGameFile.Read(Path.Combine(gamesFolder, "board-train.bin"))];
        OthelloGame[] test = [.. OthelloGameFile.Read(Path.Combine(gamesFolder, "board-test.bin"))];
        w.WriteLine(Invariant($"   evaluating: core (held-out games), board ({train.Length:N0} + {test.Length:N0} games), sparse probing; results in {ResultsFolder}"));
        var evaluator = new DictionaryEvaluator(settings.Hook, new OthelloEvaluationData(train, test), ResultsFolder, new InlineProgress<string>(Status));
        var rows = new List<DictionaryScores>();
        foreach ((string group, TransformerModel model) in new[] { (Trained, trained), (RandomInit, control) })
        {
            var clock = Stopwatch.StartNew();
            rows.AddRange(evaluator.EvaluateFolder(model, SweepFolder(group), group, DictionaryEvaluations.All));
            w.WriteLine(Invariant($"   {group}: evaluated in {clock.Elapsed.TotalSeconds:F0} s"));
        }
        rows.Add(evaluator.EvaluateBoardProbe(trained, Trained, ModelName(Trained)));
        DictionaryScores.WriteTable(w, rows);
    }

    // What the evaluation is doing, as it goes (not recorded with the stage).
    private void Status(string message) => output.WriteLine(Invariant($"   … {message}"));

    private static void Report(TextWriter w, LegalMoveReport report) =>
        w.WriteLine(Invariant($"   {report.Games:N0} {report.Source} ({report.Positions:N0} positions): {report.Rate:P2}"));

    private static string Key(params object[] parts) => string.Join(" | ", parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
