using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SharpSight.Core.IO;
using SharpSight.Core.TensorFiles;
using SharpSight.Dictionaries.Formats;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training;

/// <summary>One dictionary of a sweep: a name (its subfolder), a shape and how to train it.</summary>
/// <param name="Name">Folder name, e.g. "topk-4096-k32".</param>
/// <param name="Config">Shape and provenance.</param>
/// <param name="Options">Training method and settings (its Steps is the sweep's).</param>
public sealed record SweepEntry(string Name, DictionaryConfig Config, DictionaryTrainingOptions Options);

/// <summary>Everything a sweep trains, and how.</summary>
public sealed record SweepPlan
{
    /// <summary>The dictionaries, all fed the same batches.</summary>
    public required IReadOnlyList<SweepEntry> Entries { get; init; }

    /// <summary>Optimiser steps.</summary>
    public required int Steps { get; init; }

    /// <summary>Activations per batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Scale inputs to unit mean squared norm (dictionary_learning); biases are rescaled in the saved files.</summary>
    public bool NormalizeInputs { get; init; } = true;

    /// <summary>Batches used to estimate the normalisation factor.</summary>
    public int NormalizationBatches { get; init; } = 20;

    /// <summary>Checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Append a metrics line every this many steps.</summary>
    public int LogEvery { get; init; } = 50;

    /// <summary>Identity of the data (model, hook, source), recorded so a resumed run is refused on other data.</summary>
    public string DataDescription { get; init; } = "";
}

/// <summary>Where a sweep is.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Steps">Steps in the run.</param>
/// <param name="TokensPerSecond">Activations trained on per second since the run (or resumption) started.</param>
/// <param name="Remaining">Estimated time left.</param>
/// <param name="Latest">The last step's metrics of each dictionary, by name.</param>
public sealed record SweepProgress(long Step, long Steps, double TokensPerSecond, TimeSpan Remaining, IReadOnlyDictionary<string, StepMetrics> Latest);

/// <summary>
/// Trains several dictionaries on one activation stream in one pass (each batch of the model's activations is used by
/// every dictionary). The run folder holds run.json (the plan and the normalisation factor), checkpoints/ (every
/// dictionary's parameters, Adam moments and state, written together and atomically, latest.json pointing at the newest),
/// and one subfolder per dictionary with metrics.jsonl and, at the end, the SAELens files. Rerunning the same plan on the
/// same folder resumes from the latest checkpoint; with the same seed and batches the continuation is bit-identical.
/// A NaN or infinite loss stops the run with a message; the last good checkpoint stays.
/// </summary>
public static class DictionarySweep
{
    private const string PlanFile = "run.json";
    private const string Checkpoints = "checkpoints";
    private const string Latest = "latest.json";

    private sealed record RunRecord(string Plan, double NormalizationFactor);

    private sealed record CheckpointPointer(long Step, string Folder);

    /// <summary>Runs (or resumes) a sweep.</summary>
    /// <param name="plan">What to train.</param>
    /// <param name="openBatches">Opens the activation stream at a batch index (0 for a new run): batches [BatchSize, d_in], owned by the caller.</param>
    /// <param name="folder">Run folder.</param>
    /// <param name="progress">Progress after every step.</param>
    /// <param name="cancel">Stops after the current step, writing a checkpoint.</param>
    /// <returns>The trained dictionaries by name (already written to their folders), for the caller to dispose.</returns>
    public static IReadOnlyDictionary<string, SparseDictionary> Run(SweepPlan plan, Func<long, IEnumerator<Tensor>> openBatches, string folder,
        IProgress<SweepProgress>? progress = null, CancellationToken cancel = default)
    {
        Validate(plan);
        Directory.CreateDirectory(folder);
        var trainers = plan.Entries.Select(e => DictionaryTrainers.Create(e.Config, e.Options with { Steps = plan.Steps })).ToList();
        try
        {
            string planText = Describe(plan);
            (long start, double factor) = Resume(plan, planText, folder, trainers, openBatches);
            var logs = plan.Entries.Select(e => new MetricsLog(Path.Combine(folder, e.Name, "metrics.jsonl"), start)).ToList();
            using IEnumerator<Tensor> batches = openBatches(start);
            var clock = Stopwatch.StartNew();
            var latest = new Dictionary<string, StepMetrics>();
            long step = start;
            for (; step < plan.Steps; step++)
            {
                if (cancel.IsCancellationRequested) break;
                using var scope = NewDisposeScope();
                using Tensor raw = NextBatch(batches, step);
                Tensor x = factor != 1 ? raw / factor : raw;
                for (int i = 0; i < trainers.Count; i++)
                {
                    StepMetrics metrics;
                    try
                    {
                        metrics = trainers[i].TrainStep(x);
                    }
                    catch (NonFiniteLossException error)
                    {
                        throw new NonFiniteLossException($"{plan.Entries[i].Name}: {error.Message}; the last good checkpoint is in {Path.Combine(folder, Checkpoints)}");
                    }
                    latest[plan.Entries[i].Name] = metrics;
                    if ((step + 1) % plan.LogEvery == 0 || step + 1 == plan.Steps) logs[i].Append(metrics);
                }
                if ((step + 1) % plan.CheckpointEvery == 0 && step + 1 < plan.Steps) SaveCheckpoint(folder, plan, trainers, step + 1);
                double perStep = clock.Elapsed.TotalSeconds / (step + 1 - start);
                progress?.Report(new SweepProgress(step + 1, plan.Steps, plan.BatchSize / perStep, TimeSpan.FromSeconds(perStep * (plan.Steps - step - 1)), latest));
            }
            SaveCheckpoint(folder, plan, trainers, step);
            if (step < plan.Steps) throw new OperationCanceledException($"stopped at step {step} of {plan.Steps}; run again to resume");
            return Export(plan, trainers, folder, factor);
        }
        finally
        {
            foreach (DictionaryTrainer trainer in trainers) trainer.Dispose();
        }
    }

    /// <summary>
    /// The training method of each dictionary of a run folder, by dictionary name (e.g. "topk-k32" → TopK), from the run's
    /// plan; empty when the folder holds no run.json.
    /// </summary>
    /// <exception cref="ArgumentException">run.json is not a plan this version wrote.</exception>
    public static IReadOnlyDictionary<string, TrainingMethod> MethodsOf(string folder)
    {
        string runPath = Path.Combine(folder, PlanFile);
        if (!File.Exists(runPath)) return new Dictionary<string, TrainingMethod>();
        try
        {
            RunRecord record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(runPath)) ?? throw new JsonException("empty");
            var methods = new Dictionary<string, TrainingMethod>();
            foreach (JsonElement entry in JsonDocument.Parse(record.Plan).RootElement.GetProperty("Entries").EnumerateArray())
                methods[entry.GetProperty("Name").GetString()!] = Enum.Parse<TrainingMethod>(entry.GetProperty("Options").GetProperty("Method").GetString()!);
            return methods;
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"{runPath}: not a sweep plan ({error.Message})");
        }
    }

    /// <summary>The normalisation factor √E‖x‖² of the first batches (dictionary_learning's unit mean squared norm).</summary>
    public static double NormalizationFactor(IEnumerator<Tensor> batches, int count)
    {
        double sum = 0;
        long rows = 0;
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            using Tensor x = NextBatch(batches, i);
            sum += x.to(ScalarType.Float64).pow(2).sum().item<double>();
            rows += x.shape[0];
        }
        return Math.Sqrt(sum / rows);
    }

    private static Tensor NextBatch(IEnumerator<Tensor> batches, long step) =>
        batches.MoveNext() ? batches.Current : throw new InvalidOperationException($"the activation stream ended at batch {step}");

    private static void Validate(SweepPlan plan)
    {
        if (plan.Entries.Count == 0) throw new ArgumentException("the sweep has no dictionaries");
        if (plan.Steps <= 0) throw new ArgumentException($"steps must be positive, got {plan.Steps}");
        if (plan.BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {plan.BatchSize}");
        string? repeated = plan.Entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null) throw new ArgumentException($"two dictionaries are named '{repeated}'");
        foreach (SweepEntry entry in plan.Entries)
        {
            // Each dictionary gets a subfolder of the run: names such as "standard-l1-0.02" are fine, "..", "a/b" are not.
            if (entry.Name.Trim('.').Length == 0 || entry.Name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/', '\\']) >= 0)
                throw new ArgumentException($"dictionary name '{entry.Name}' cannot be a folder name");
            if (entry.Config.InputSize != plan.Entries[0].Config.InputSize)
                throw new ArgumentException($"{entry.Name}: d_in {entry.Config.InputSize} differs from {plan.Entries[0].Name}'s {plan.Entries[0].Config.InputSize}; a sweep reads one hook");
        }
    }

    private static string Describe(SweepPlan plan) => JsonSerializer.Serialize(new
    {
        plan.Steps,
        plan.BatchSize,
        plan.NormalizeInputs,
        plan.NormalizationBatches,
        plan.DataDescription,
        Entries = plan.Entries.Select(e => new { e.Name, Config = e.Config with { Metadata = new DictionaryMetadata() }, Options = e.Options with { Steps = plan.Steps } }),
    }, new JsonSerializerOptions { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } });

    private static (long Start, double Factor) Resume(SweepPlan plan, string planText, string folder, List<DictionaryTrainer> trainers, Func<long, IEnumerator<Tensor>> openBatches)
    {
        string runPath = Path.Combine(folder, PlanFile), pointerPath = Path.Combine(folder, Checkpoints, Latest);
        if (File.Exists(runPath))
        {
            RunRecord record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(runPath)) ?? throw new InvalidDataException($"{runPath}: empty");
            if (record.Plan != planText)
                throw new ArgumentException($"{folder} holds a different run (see {runPath}); resume it with the same settings or choose another --out");
            if (!File.Exists(pointerPath)) return (0, record.NormalizationFactor);
            CheckpointPointer pointer = JsonSerializer.Deserialize<CheckpointPointer>(File.ReadAllText(pointerPath))!;
            string checkpoint = Path.Combine(folder, Checkpoints, pointer.Folder);
            for (int i = 0; i < trainers.Count; i++)
            {
                string name = plan.Entries[i].Name;
                using SafetensorsFile tensors = SafetensorsFile.Open(Path.Combine(checkpoint, $"{name}.safetensors"));
                var scalars = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(checkpoint, $"{name}.json")))!;
                trainers[i].Restore(n => tensors.Read(n), scalars);
            }
            return (pointer.Step, record.NormalizationFactor);
        }
        double factor = 1;
        if (plan.NormalizeInputs)
            using (IEnumerator<Tensor> batches = openBatches(0))
                factor = NormalizationFactor(batches, plan.NormalizationBatches);
        AtomicFile.WriteAllText(runPath, JsonSerializer.Serialize(new RunRecord(planText, factor), new JsonSerializerOptions { WriteIndented = true }));
        return (0, factor);
    }

    private static void SaveCheckpoint(string folder, SweepPlan plan, List<DictionaryTrainer> trainers, long step)
    {
        string root = Path.Combine(folder, Checkpoints), name = $"step-{step:D8}", checkpoint = Path.Combine(root, name);
        Directory.CreateDirectory(checkpoint);
        for (int i = 0; i < trainers.Count; i++)
        {
            SafetensorsWriter.Write(Path.Combine(checkpoint, $"{plan.Entries[i].Name}.safetensors"), trainers[i].StateTensors());
            AtomicFile.WriteAllText(Path.Combine(checkpoint, $"{plan.Entries[i].Name}.json"), JsonSerializer.Serialize(trainers[i].StateScalars()));
        }
        AtomicFile.WriteAllText(Path.Combine(root, Latest), JsonSerializer.Serialize(new CheckpointPointer(step, name)));
        foreach (string old in Directory.GetDirectories(root, "step-*").Where(d => string.CompareOrdinal(Path.GetFileName(d), name) < 0))
            Directory.Delete(old, recursive: true);
    }

    private static Dictionary<string, SparseDictionary> Export(SweepPlan plan, List<DictionaryTrainer> trainers, string folder, double factor)
    {
        var result = new Dictionary<string, SparseDictionary>();
        for (int i = 0; i < trainers.Count; i++)
        {
            SparseDictionary dictionary = trainers[i].Dictionary;
            // Trained on x / factor: scaling the biases (and thresholds) by the factor makes it read raw activations.
            dictionary.ScaleBiases(factor);
            SaeLensFolder.Write(dictionary, Path.Combine(folder, plan.Entries[i].Name));
            result[plan.Entries[i].Name] = dictionary;
        }
        return result;
    }

    /// <summary>Appends metrics as JSON lines; on resume, lines after the checkpoint's step are dropped first.</summary>
    private sealed class MetricsLog
    {
        private readonly string _path;

        public MetricsLog(string path, long resumedAt)
        {
            _path = path;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path)) return;
            string[] kept = [.. File.ReadAllLines(path).Where(line => JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64() <= resumedAt)];
            AtomicFile.WriteAllText(path, kept.Length == 0 ? "" : string.Join('\n', kept) + "\n");
        }

        public void Append(StepMetrics metrics)
        {
            string line = $"{{\"step\":{metrics.Step},\"loss\":{Number(metrics.Loss)},\"mse\":{Number(metrics.Mse)},\"l0\":{Number(metrics.L0)}," +
                $"\"fve\":{Number(metrics.FractionOfVarianceExplained)},\"dead\":{Number(metrics.DeadFraction)},\"lr\":{Number(metrics.LearningRate)}}}";
            File.AppendAllText(_path, line + "\n", new UTF8Encoding(false));
        }

        // JSON has no NaN: a non-finite metric (e.g. the FVE of a constant batch) is written as null.
        private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null";
    }
}
