using System.Diagnostics;
using System.Text.Json;
using SharpSight.Core.IO;
using SharpSight.Core.Optimization;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Games.Training;

/// <summary>The outcome of one call to <see cref="GameModelTrainer.Train"/>.</summary>
/// <param name="FirstStep">The step this call started from (0, or where a checkpoint left off).</param>
/// <param name="Losses">The loss of every step this call took.</param>
/// <param name="Completed">True when the run reached its last step; false when it was cancelled (after a checkpoint).</param>
public sealed record TrainingRun(long FirstStep, IReadOnlyList<double> Losses, bool Completed);

/// <summary>
/// Trains a game model from scratch: AdamW, linear warmup then cosine decay, global gradient-norm clipping, a seeded data
/// order. With a checkpoint folder it saves model, optimiser and step atomically every few steps (and when cancelled)
/// and resumes from the latest checkpoint, so an interrupted run, resumed, gives the same losses as an uninterrupted one.
/// </summary>
public static class GameModelTrainer
{
    private const string Latest = "latest.json";

    /// <summary>Trains (or resumes training) <paramref name="model"/> on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The legal-move objective on data without legal-move targets; or a checkpoint
    /// trained with other settings.</exception>
    public static TrainingRun Train(TransformerModel model, IGameTrainingData data, TrainingOptions options, string? checkpointFolder = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.Objective == TrainingObjective.LegalMoves && data is not ILegalMoveTrainingData)
            throw new ArgumentException($"the legal-move objective needs legal-move targets, which {data.GetType().Name} does not have; train with the next-token objective");
        (string Name, TorchSharp.Modules.Parameter Parameter)[] parameters = [.. model.named_parameters().Select(p => (p.name, p.parameter))];
        foreach (var (_, parameter) in parameters) parameter.requires_grad_(true);
        using var optimizer = new AdamW([.. parameters.Select(p => (p.Name, (Tensor)p.Parameter))], weightDecay: options.WeightDecay);
        long step = checkpointFolder is null ? 0 : Resume(checkpointFolder, model, optimizer, options);
        long firstStep = step;
        var losses = new List<double>();
        var watch = Stopwatch.StartNew();
        long tokens = 0;
        try
        {
            for (; step < options.Steps; step++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    if (checkpointFolder is not null) Save(checkpointFolder, model, optimizer, options, step);
                    return new TrainingRun(firstStep, losses, Completed: false);
                }
                int[] rows = Batch(options, data.Count, step);
                losses.Add(TrainStep(model, data, options, optimizer, rows, options.LearningRateAt(step)));
                tokens += data.PredictedPositions(rows);
                if (checkpointFolder is not null && (step + 1) % options.CheckpointEvery == 0) Save(checkpointFolder, model, optimizer, options, step + 1);
                double rate = tokens / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
                double perStep = watch.Elapsed.TotalSeconds / (step + 1 - firstStep);
                progress?.Report(new TrainingProgress(step + 1, options.Steps, losses[^1], rate, TimeSpan.FromSeconds(perStep * (options.Steps - step - 1))));
            }
            if (checkpointFolder is not null) Save(checkpointFolder, model, optimizer, options, step);
            return new TrainingRun(firstStep, losses, Completed: true);
        }
        finally
        {
            foreach (var (_, parameter) in parameters) parameter.requires_grad_(false);
        }
    }

    /// <summary>Legal-move rate of an Othello model on games: the share of positions whose top-1 prediction is a legal next move.</summary>
    public static double LegalMoveRate(TransformerModel model, OthelloTrainingData data, int batchSize = 64)
    {
        double legalWeighted = 0;
        long positions = 0;
        using var noGrad = no_grad();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int[] rows = [.. Enumerable.Range(start, Math.Min(batchSize, data.Count - start))];
            using var scope = NewDisposeScope();
            Tensor logits = model.Forward(data.Inputs(rows));
            long count = data.PredictedPositions(rows);
            legalWeighted += data.LegalMoveRate(rows, logits) * count;
            positions += count;
        }
        return legalWeighted / positions;
    }

    private static double TrainStep(TransformerModel model, IGameTrainingData data, TrainingOptions options, AdamW optimizer, int[] rows, double learningRate)
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in model.parameters()) parameter.grad?.zero_();
        Tensor logits = model.Forward(data.Inputs(rows));                              // [B, Width, V]
        Tensor loss;
        if (options.Objective == TrainingObjective.NextToken)
        {
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), data.NextTokens(rows).reshape(-1), ignore_index: -100);
        }
        else
        {
            Tensor targets = ((ILegalMoveTrainingData)data).LegalMoveTargets(rows);
            Tensor perPosition = -(targets * logits.log_softmax(-1)).sum(-1);          // zero where there is no next move
            loss = perPosition.sum() / data.PredictedPositions(rows);
        }
        loss.backward();
        if (options.ClipNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), options.ClipNorm);
        optimizer.Step(learningRate);
        return loss.item<float>();
    }

    // Step s takes the next BatchSize rows of a seeded permutation of the games, one permutation per epoch: the order is
    // a function of (seed, step) alone, so a resumed run sees exactly the batches an uninterrupted one would.
    private static int[] Batch(TrainingOptions options, int games, long step)
    {
        var rows = new int[options.BatchSize];
        for (int i = 0; i < rows.Length; i++)
        {
            long index = step * options.BatchSize + i;
            rows[i] = Permutation(options.Seed, index / games, games)[(int)(index % games)];
        }
        return rows;
    }

    private static readonly Dictionary<(ulong, long, int), int[]> Permutations = [];

    private static int[] Permutation(ulong seed, long epoch, int count)
    {
        lock (Permutations)
        {
            if (Permutations.TryGetValue((seed, epoch, count), out int[]? cached)) return cached;
            if (Permutations.Count > 4) Permutations.Clear();
            var random = new SplitMix64(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
            int[] order = [.. Enumerable.Range(0, count)];
            for (int i = count - 1; i > 0; i--)
            {
                int j = (int)(random.NextUInt64() % (ulong)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
            return Permutations[(seed, epoch, count)] = order;
        }
    }

    private sealed record CheckpointState(long Step, ulong Seed, int BatchSize, string Objective, string Folder);

    // Each checkpoint is a folder written in full, then latest.json is replaced atomically to point at it.
    private static void Save(string root, TransformerModel model, AdamW optimizer, TrainingOptions options, long step)
    {
        string name = $"step-{step:D8}";
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), [.. model.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter.detach()))]);
        SafetensorsWriter.Write(Path.Combine(folder, "optimizer.safetensors"), [.. optimizer.State()]);
        var state = new CheckpointState(step, options.Seed, options.BatchSize, options.Objective.ToString(), name);
        AtomicFile.WriteAllText(Path.Combine(root, Latest), JsonSerializer.Serialize(state));
        foreach (string old in Directory.GetDirectories(root, "step-*").Where(d => string.CompareOrdinal(Path.GetFileName(d), name) < 0).Order().SkipLast(1))
            Directory.Delete(old, recursive: true);   // keep the previous checkpoint as well as the newest
    }

    private static long Resume(string root, TransformerModel model, AdamW optimizer, TrainingOptions options)
    {
        string latest = Path.Combine(root, Latest);
        if (!File.Exists(latest)) return 0;
        CheckpointState state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(latest))
            ?? throw new GameRecordException($"{latest}: empty checkpoint pointer");
        if (state.Seed != options.Seed || state.BatchSize != options.BatchSize || state.Objective != options.Objective.ToString())
            throw new ArgumentException($"{latest}: the checkpoint was trained with seed {state.Seed}, batch {state.BatchSize}, objective {state.Objective}; " +
                $"resuming needs the same (got seed {options.Seed}, batch {options.BatchSize}, objective {options.Objective})");
        string folder = Path.Combine(root, state.Folder);
        using (var weights = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors")))
        using (var noGrad = no_grad())
            foreach (var (name, parameter) in model.named_parameters())
            {
                using Tensor value = weights.Read(name);
                parameter.copy_(value);
            }
        using var moments = SafetensorsFile.Open(Path.Combine(folder, "optimizer.safetensors"));
        optimizer.Restore(name => moments.Read(name), state.Step);
        return state.Step;
    }
}
