using System.CommandLine;
using System.Globalization;
using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Activations;
using SharpSight.Dictionaries.Evaluation;
using SharpSight.Dictionaries.Formats;
using SharpSight.Dictionaries.Training;
using System.Text.Json.Nodes;
using SharpSight.Evals.Dictionaries;
using SharpSight.Games.Othello;
using SharpSight.Games.Laboratory;
using SharpSight.Games.Training;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;
using Spectre.Console;
using static TorchSharp.torch;

namespace SharpSight.Cli.Commands;

/// <summary><c>sharpsight sae train|sweep|eval</c>: train sparse dictionaries on a model's activations and score them.</summary>
internal static class SaeCommand
{
    public static Command Create() => new("sae", "Sparse dictionaries (SAEs): train one, a sweep of several on one activation stream, or score them") { Train(), Sweep(), Eval() };

    // Held-out games come from the training seed plus this offset, so no run's held-out set is its own training data.
    private const ulong HeldOutSeedOffset = 1_000_000;

    private static Command Train()
    {
        var model = new Option<string?>("--model") { Description = "Model folder (Hugging Face layout or an Othello training folder); default: the laboratory model" };
        var hook = new Option<string>("--hook") { Description = "Hook point to read, e.g. blocks.3.hook_resid_post", Required = true };
        var arch = new Option<string>("--arch") { Description = "standard, april, topk, batchtopk, matryoshka, jumprelu, gated, p-anneal", DefaultValueFactory = _ => "topk" };
        var width = new Option<int>("--width") { Description = "Features (d_sae)", DefaultValueFactory = _ => 4096 };
        var k = new Option<int>("--k") { Description = "Active features per input (TopK, BatchTopK, Matryoshka)", DefaultValueFactory = _ => 32 };
        var l1 = new Option<double?>("--l1") { Description = "Sparsity coefficient λ (default: the method's)" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: the method's)" };
        var targetL0 = new Option<double>("--target-l0") { Description = "JumpReLU L0 target", DefaultValueFactory = _ => 20 };
        var tokens = new Option<string>("--tokens") { Description = "Activations to train on: 5000000, 5M, 500k", DefaultValueFactory = _ => "2M" };
        var batch = new Option<int>("--batch-size") { Description = "Activations per step", DefaultValueFactory = _ => 4096 };
        var data = new Option<string?>("--data") { Description = "Token source file (game file, chess transcripts, text, JSONL or Parquet); default: seeded random games" };
        var source = new Option<string?>("--source") { Description = "othello, chess, text, jsonl or parquet (default: from the model and the file)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the data order and the initialisation", DefaultValueFactory = _ => 0UL };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Run folder (resumed when it exists); the SAELens files are written to OUT/NAME", Required = true };
        var command = new Command("train", "Train one dictionary (resumable; Ctrl+C saves a checkpoint)") { model, hook, arch, width, k, l1, lr, targetL0, tokens, batch, data, source, seed, outDir };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            TrainingMethod method = DictionaryTrainingOptions.ParseMethod(parsed.GetValue(arch)!);
            var options = new DictionaryTrainingOptions
            {
                Method = method,
                SparsityCoefficient = parsed.GetValue(l1),
                LearningRate = parsed.GetValue(lr),
                TargetL0 = parsed.GetValue(targetL0),
                Seed = parsed.GetValue(seed),
            };
            string name = $"{parsed.GetValue(arch)!.ToLowerInvariant()}-{parsed.GetValue(width)}";
            var spec = new DictionarySpec(name, options, parsed.GetValue(width), parsed.GetValue(k), null);
            var file = new SweepFile(parsed.GetValue(model), parsed.GetValue(hook)!, parsed.GetValue(data), parsed.GetValue(source),
                SweepFile.ParseTokens(parsed.GetValue(tokens)!, "--tokens"), parsed.GetValue(batch), parsed.GetValue(seed), [spec]);
            RunSweep(output, file, parsed.GetValue(outDir)!.FullName);
        });
        return command;
    }

    private static Command Sweep()
    {
        var config = new Option<FileInfo>("--config") { Description = "Sweep file (JSON: model, hook, data, tokens, batch_size, seed, dictionaries[…])", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Run folder (resumed when it exists); each dictionary goes to OUT/NAME", Required = true };
        var command = new Command("sweep", "Train several dictionaries on one activation stream in one pass") { config, outDir };
        CommandRunner.SetBody(command, (parsed, output) => RunSweep(output, SweepFile.Load(parsed.GetValue(config)!.FullName), parsed.GetValue(outDir)!.FullName));
        return command;
    }

    private static void RunSweep(TextWriter output, SweepFile file, string folder)
    {
        (string modelFolder, string kind) = ModelAndKind(file);
        using TransformerModel model = LoadModel(modelFolder, kind);
        ITokenSource source = OpenSource(kind, file, model, modelFolder);
        int inputSize = (int)model.Hooks[file.Hook].Shape.Dims[^1].Size;
        var metadata = new DictionaryMetadata
        {
            ModelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))),
            HookName = file.Hook,
            ContextSize = source.ContextLength,
            PrependBos = source.BosId is not null,
            DatasetPath = file.Data ?? source.Description,
        };
        int steps = (int)Math.Max(1, (file.Tokens + file.BatchSize - 1) / file.BatchSize);
        var plan = new SweepPlan
        {
            Entries = [.. file.Dictionaries.Select(d => d.ToEntry(inputSize, metadata))],
            Steps = steps,
            BatchSize = file.BatchSize,
            CheckpointEvery = Math.Max(50, steps / 20),
            LogEvery = Math.Max(1, Math.Min(50, steps / 100)),
            DataDescription = $"{Path.GetFullPath(modelFolder)} {file.Hook} {source.Description} seed {file.Seed}",
        };
        var storeOptions = new ActivationStoreOptions { Hook = file.Hook, DIn = inputSize, BatchSize = file.BatchSize, Seed = file.Seed };
        IEnumerator<Tensor> Open(long start) => Batches(ActivationStore.FromModel(model, source, storeOptions with { StartBatch = start })).GetEnumerator();

        output.WriteLine($"{plan.Entries.Count} dictionar{(plan.Entries.Count == 1 ? "y" : "ies")} on {file.Hook} (d_in {inputSize}) of {modelFolder}: " +
            $"{steps:N0} steps of {file.BatchSize:N0} activations from {source.Description}");
        IReadOnlyDictionary<string, SparseDictionary>? trained = null;
        SweepProgress? last = null;
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            ShowSweep(output, plan, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, progress => trained = DictionarySweep.Run(plan, Open, folder, new InlineProgress<SweepProgress>(p => { last = p; progress(p); }), cancel.Token));
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("stopped; run the same command to resume");
            return;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        foreach ((string name, SparseDictionary dictionary) in trained!)
        {
            StepMetrics? metrics = last?.Latest.GetValueOrDefault(name);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: L0 {metrics?.L0:F1}, FVE {metrics?.FractionOfVarianceExplained:F3}, dead {metrics?.DeadFraction:P1} (last batch); wrote {Path.Combine(folder, name)} (SAELens)"));
            dictionary.Dispose();
        }
        // Seeded random games are endless, so fresh ones score the saved files; a data file has no held-out part we know of.
        if (file.Data is null && kind is "othello" or "chess")
        {
            var heldOut = file with { Seed = file.Seed + HeldOutSeedOffset, Tokens = Math.Clamp(file.Tokens / 4, 2 * file.BatchSize, 1_000_000) };
            string[] saved = [.. plan.Entries.Select(e => Path.Combine(folder, e.Name))];
            List<SparseDictionary> readBack = ReadAll(saved);
            try
            {
                Score(output, "held-out scores of the saved files", model, OpenSource(kind, heldOut, model, modelFolder), heldOut, saved, readBack);
            }
            finally
            {
                readBack.ForEach(d => d.Dispose());
            }
        }
    }

    private static Command Eval()
    {
        var sae = new Option<DirectoryInfo>("--sae") { Description = "A SAELens folder (cfg.json, sae_weights.safetensors), or a run folder: every subfolder that is one", Required = true };
        var model = new Option<string?>("--model") { Description = "Model folder; default: the laboratory model" };
        var hook = new Option<string?>("--hook") { Description = "Hook point (default: the dictionaries' hook_name)" };
        var tokens = new Option<string>("--tokens") { Description = "Activations to score: 1M, 500k", DefaultValueFactory = _ => "1M" };
        var data = new Option<string?>("--data") { Description = "Token source file; default: seeded random games" };
        var source = new Option<string?>("--source") { Description = "othello, chess, text, jsonl or parquet (default: from the model and the file)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random games (training used --seed 0 unless told)", DefaultValueFactory = _ => HeldOutSeedOffset };
        var evals = new Option<string?>("--evals") { Description = "SAEBench-style evaluations to run and file: core, board, probing (any of them, comma-separated; needs --out)" };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Results folder: one SAEBench-schema JSON per dictionary per evaluation (sharpsight report reads it)" };
        var games = new Option<int>("--games") { Description = "Othello: games in each of the board metrics' training and test sets (also sampled by probing; core reads the test games)", DefaultValueFactory = _ => 1000 };
        var probeData = new Option<string?>("--probe-data") { Description = "Text models: a labelled JSONL file (fields text, label) for sparse probing" };
        var release = new Option<string?>("--release") { Description = "Group the results are filed under (default: the folder's name)" };
        var command = new Command("eval", "Score saved dictionaries: L0 and variance explained on held-out activations, or with --evals the core, board and sparse-probing evaluations filed as SAEBench JSON")
        {
            sae, model, hook, tokens, data, source, seed, evals, outDir, games, probeData, release,
        };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            if (parsed.GetValue(evals) is not null || parsed.GetValue(outDir) is not null)
            {
                EvaluateToFiles(output, parsed.GetValue(sae)!.FullName, parsed.GetValue(model), parsed.GetValue(hook), parsed.GetValue(evals) ?? "core,board,probing",
                    parsed.GetValue(outDir)?.FullName ?? throw new ArgumentException("--evals writes result files: give --out DIR"),
                    parsed.GetValue(games), parsed.GetValue(seed), parsed.GetValue(data), parsed.GetValue(source), SweepFile.ParseTokens(parsed.GetValue(tokens)!, "--tokens"),
                    parsed.GetValue(probeData), parsed.GetValue(release));
                return;
            }
            string root = parsed.GetValue(sae)!.FullName;
            List<string> folders = File.Exists(Path.Combine(root, "cfg.json")) ? [root]
                : Directory.Exists(root) ? [.. Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "cfg.json"))).Order(StringComparer.Ordinal)]
                : throw new ArgumentException($"{root}: not found");
            if (folders.Count == 0) throw new ArgumentException($"{root}: no cfg.json in it or in its subfolders");
            List<SparseDictionary> dictionaries = ReadAll(folders);
            try
            {
                string hookName = parsed.GetValue(hook) ?? dictionaries[0].Config.Metadata.HookName
                    ?? throw new ArgumentException($"{Path.Combine(folders[0], "cfg.json")}: no hook_name; give --hook");
                var file = new SweepFile(parsed.GetValue(model), hookName, parsed.GetValue(data), parsed.GetValue(source),
                    SweepFile.ParseTokens(parsed.GetValue(tokens)!, "--tokens"), 4096, parsed.GetValue(seed), []);
                (string modelFolder, string kind) = ModelAndKind(file);
                using TransformerModel loaded = LoadModel(modelFolder, kind);
                Score(output, "scores", loaded, OpenSource(kind, file, loaded, modelFolder), file, folders, dictionaries);
            }
            finally
            {
                dictionaries.ForEach(d => d.Dispose());
            }
        });
        return command;
    }

    // sae eval --evals: the SAEBench-style evaluations of every dictionary of a folder, one result file each.
    private static void EvaluateToFiles(TextWriter output, string root, string? modelOption, string? hookOption, string evalNames, string resultsFolder,
        int games, ulong seed, string? data, string? sourceKind, long tokens, string? probeData, string? releaseOption)
    {
        DictionaryEvaluations chosen = DictionaryEvaluationNames.Parse(evalNames);
        if (games < 5) throw new ArgumentException($"--games must be at least 5, got {games}");
        if (!Directory.Exists(root)) throw new ArgumentException($"{root}: not found");
        string firstConfig = File.Exists(Path.Combine(root, SaeLensFolder.ConfigFile)) ? Path.Combine(root, SaeLensFolder.ConfigFile)
            : Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(d => Path.Combine(d, SaeLensFolder.ConfigFile)).FirstOrDefault(File.Exists)
              ?? throw new ArgumentException($"{root}: no cfg.json in it or in its subfolders");
        JsonNode? metadata = EvalResultFile.ConfigOf(Path.GetDirectoryName(firstConfig)!)["metadata"];
        string hookName = hookOption ?? metadata?["hook_name"]?.GetValue<string>() ?? throw new ArgumentException($"{firstConfig}: no hook_name; give --hook");
        var file = new SweepFile(modelOption, hookName, data, sourceKind, tokens, 4096, seed, []);
        (string modelFolder, string kind) = ModelAndKind(file);
        using TransformerModel model = LoadModel(modelFolder, kind);
        IEvaluationData evaluationData = kind == "othello"
            ? new OthelloEvaluationData([.. OthelloRandomGames.Generate(games, seed)], [.. OthelloRandomGames.Generate(games, seed + 1)])
            : new TokenWindowEvaluationData(FullWindows(OpenSource(kind, file, model, modelFolder), tokens), data ?? kind, probeData,
                probeData is null ? null : TokenizerLoader.Load(modelFolder));
        string release = releaseOption ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(File.Exists(Path.Combine(root, SaeLensFolder.ConfigFile)) ? Path.GetDirectoryName(root)! : root)));
        var evaluator = new DictionaryEvaluator(hookName, evaluationData, resultsFolder, new InlineProgress<string>(m => output.WriteLine($"  … {m}")));
        output.WriteLine($"evaluating the dictionaries of {root} on {hookName} of {modelFolder} ({evalNames})");
        var rows = evaluator.EvaluateFolder(model, root, release, chosen).ToList();
        string? modelName = metadata?["model_name"]?.GetValue<string>();
        if (chosen.HasFlag(DictionaryEvaluations.Board)) rows.Add(evaluator.EvaluateBoardProbe(model, release, modelName));
        DictionaryScores.WriteTable(output, rows);
        output.WriteLine($"results in {resultsFolder}; sharpsight report --results {resultsFolder} --out report.html draws them");
    }

    // Token windows of a source with every position real (the core metrics' cross-entropy scores each one), up to about `tokens`.
    private static List<long[]> FullWindows(ITokenSource source, long tokens)
    {
        var windows = new List<long[]>();
        var ids = new long[source.ContextLength];
        var real = new bool[source.ContextLength];
        using ITokenWindowReader reader = source.Open();
        while ((long)windows.Count * source.ContextLength < tokens && reader.Read(ids, real))
            if (Array.TrueForAll(real, r => r)) windows.Add((long[])ids.Clone());
        return windows;
    }

    // Every folder's dictionary, read as a Python user's files would be (all disposed if one fails to read).
    private static List<SparseDictionary> ReadAll(IReadOnlyList<string> folders)
    {
        var dictionaries = new List<SparseDictionary>();
        try
        {
            foreach (string folder in folders) dictionaries.Add(SaeLensFolder.Read(folder));
            return dictionaries;
        }
        catch
        {
            dictionaries.ForEach(d => d.Dispose());
            throw;
        }
    }

    // One pass over the model's activations scores every dictionary (owned by the caller).
    private static void Score(TextWriter output, string title, TransformerModel model, ITokenSource source, SweepFile file,
        IReadOnlyList<string> folders, IReadOnlyList<SparseDictionary> dictionaries)
    {
        int inputSize = (int)model.Hooks[file.Hook].Shape.Dims[^1].Size;
        for (int i = 0; i < folders.Count; i++)
            if (dictionaries[i].Config.InputSize != inputSize)
                throw new ArgumentException($"{Path.Combine(folders[i], "cfg.json")}: d_in {dictionaries[i].Config.InputSize} does not match {file.Hook}, of size {inputSize}");
        var tallies = dictionaries.Select(d => new ReconstructionTally(d)).ToList();
        try
        {
            long batches = Math.Max(1, (file.Tokens + file.BatchSize - 1) / file.BatchSize);
            var options = new ActivationStoreOptions { Hook = file.Hook, DIn = inputSize, BatchSize = file.BatchSize, Seed = file.Seed };
            using (ActivationStore store = ActivationStore.FromModel(model, source, options))
                for (long b = 0; b < batches && store.NextBatch() is { } batch; b++)
                    using (batch)
                        foreach (ReconstructionTally tally in tallies) tally.Add(batch);
            output.WriteLine($"{title} on {file.Hook}, activations from {source.Description}:");
            for (int i = 0; i < folders.Count; i++)
            {
                ReconstructionScore score = tallies[i].Score();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {Path.GetFileName(folders[i])}: L0 {score.L0:F1}, FVE {score.FractionOfVarianceExplained:F3}, MSE {score.MeanSquaredError:G4}, relative error {score.RelativeSquaredError:F3} over {score.Activations:N0} activations"));
            }
        }
        finally
        {
            tallies.ForEach(t => t.Dispose());
        }
    }

    private static IEnumerable<Tensor> Batches(ActivationStore store)
    {
        using (store)
            while (store.NextBatch() is { } batch)
                yield return batch;
    }

    private static (string ModelFolder, string Kind) ModelAndKind(SweepFile file)
    {
        string modelFolder = file.Model ?? OthelloLaboratory.DefaultFolder();
        return (modelFolder, SourceKind(file, modelFolder));
    }

    private static TransformerModel LoadModel(string modelFolder, string kind) =>
        kind == "othello" ? OthelloLaboratory.LoadModel(modelFolder) : ModelLoader.Load(modelFolder);

    private static string SourceKind(SweepFile file, string modelFolder)
    {
        if (file.Source is { } explicitKind)
            return explicitKind is "othello" or "chess" or "text" or "jsonl" or "parquet" ? explicitKind
                : throw new ArgumentException($"source '{explicitKind}' is not one of othello, chess, text, jsonl, parquet");
        string extension = Path.GetExtension(file.Data ?? "").ToLowerInvariant();
        if (extension == ".jsonl") return "jsonl";
        if (extension == ".parquet") return "parquet";
        string preset = Path.Combine(modelFolder, TrainingFolder.PresetFile);
        if (File.Exists(preset))
        {
            try
            {
                return TrainingFolder.GameOf(preset) == "chess" ? "chess" : "othello";
            }
            catch (System.Text.Json.JsonException error)
            {
                throw new ArgumentException($"{preset}: not valid JSON ({error.Message})");
            }
        }
        if (File.Exists(Path.Combine(modelFolder, "config.json")) && System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(modelFolder, "config.json")))
                .RootElement.TryGetProperty("vocab_size", out var vocab) && vocab.GetInt32() == SharpSight.Games.Othello.OthelloVocabulary.Size)
            return "othello";
        if (file.Data is null) throw new ArgumentException("--data is needed for a text model (or --source othello|chess for seeded random games)");
        return "text";
    }

    private static ITokenSource OpenSource(string kind, SweepFile file, TransformerModel model, string modelFolder)
    {
        int games = (int)Math.Min(int.MaxValue, file.Tokens / 40 + 1000);
        int context = Math.Min(256, model.Config.MaxPositions);
        return kind switch
        {
            "othello" => file.Data is null ? OthelloTokenSource.Random(games, file.Seed) : OthelloTokenSource.FromFile(file.Data),
            "chess" => file.Data is null ? ChessTokenSource.Random(games / 4, file.Seed, context) : ChessTokenSource.FromTranscripts(file.Data, context),
            "jsonl" => new TextTokenSource(TextCorpus.Jsonl(file.Data!), TokenizerLoader.Load(modelFolder), Math.Min(128, model.Config.MaxPositions)),
            "parquet" => new TextTokenSource(TextCorpus.Parquet(file.Data!), TokenizerLoader.Load(modelFolder), Math.Min(128, model.Config.MaxPositions)),
            _ => new TextTokenSource(TextCorpus.PlainText(file.Data!), TokenizerLoader.Load(modelFolder), Math.Min(128, model.Config.MaxPositions)),
        };
    }

    /// <summary>A live bar per dictionary when <paramref name="live"/> (a terminal); a plain line every tenth of the run otherwise.</summary>
    internal static void ShowSweep(TextWriter output, SweepPlan plan, bool live, Action<Action<SweepProgress>> run)
    {
        if (!live)
        {
            long next = Math.Max(1, plan.Steps / 10);
            run(p =>
            {
                if (p.Step < next && p.Step != p.Steps) return;
                next = p.Step + Math.Max(1, plan.Steps / 10);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.Steps}  {p.TokensPerSecond:N0} tokens/s  ETA {p.Remaining:hh\\:mm\\:ss}"));
                foreach ((string name, StepMetrics m) in p.Latest) output.WriteLine("  " + Describe(name, m));
            });
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask total = context.AddTask("starting", maxValue: plan.Steps);
                var tasks = plan.Entries.ToDictionary(e => e.Name, e => context.AddTask(e.Name, maxValue: plan.Steps));
                run(p =>
                {
                    total.Value = p.Step;
                    total.Description = string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.Steps}  {p.TokensPerSecond:N0} tokens/s");
                    foreach ((string name, StepMetrics m) in p.Latest)
                    {
                        tasks[name].Value = p.Step;
                        tasks[name].Description = Markup.Escape(Describe(name, m));
                    }
                });
            });
    }

    private static string Describe(string name, StepMetrics m) => string.Create(CultureInfo.InvariantCulture,
        $"{name}: mse {m.Mse:G4}  L0 {m.L0:F1}  FVE {m.FractionOfVarianceExplained:F3}  dead {m.DeadFraction:P1}");
}
