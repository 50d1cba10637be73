using System.Text.Json;
using SharpSight.Core.IO;
using SharpSight.Games.Chess;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;

namespace SharpSight.Games.Training;

/// <summary>A named character-level chess model shape and training recipe.</summary>
/// <param name="Name">small or paper.</param>
/// <param name="Layers">Blocks.</param>
/// <param name="DModel">Residual width.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="ContextWidth">Characters of transcript per row (the model's positions).</param>
/// <param name="Games">Random training games (a transcripts file replaces them).</param>
/// <param name="Options">Optimisation (steps, batch, …); always the next-token objective.</param>
public sealed record ChessPreset(string Name, int Layers, int DModel, int Heads, int ContextWidth, int Games, TrainingOptions Options)
{
    /// <summary>The GPT-2-style architecture over the 32-character chess vocabulary.</summary>
    public TransformerConfig Config => new()
    {
        ModelType = "gpt2", VocabSize = ChessVocabulary.Size, DModel = DModel, Layers = Layers, Heads = Heads, KeyValueHeads = Heads,
        HeadDim = DModel / Heads, DMlp = 4 * DModel, MaxPositions = ContextWidth, Norm = NormKind.LayerNorm, NormEps = 1e-5,
        Activation = ActivationKind.GeluTanh, GatedMlp = false, Positions = PositionKind.Learned, TiedEmbeddings = false,
        QkvBias = true, AttentionOutBias = true, MlpBias = true, AttentionScale = 1 / Math.Sqrt(DModel / Heads), SlidingWindows = new int?[Layers],
    };
}

/// <summary>
/// The chess presets (character level, next-token prediction, as in Karvonen's chess-GPT) and the preset file of a chess
/// training folder.
/// </summary>
public static class ChessPresets
{
    /// <summary>
    /// small: trains in about 10 minutes on 2 CPU cores (500 steps of 32 × 256 characters, about 4 M characters; seen at
    /// about 7,700 characters/s with one torch thread beside another training run).
    /// </summary>
    public static ChessPreset Small { get; } = new("small", 4, 128, 4, 256, 30_000,
        new TrainingOptions { Steps = 500, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 50, Objective = TrainingObjective.NextToken, CheckpointEvery = 100 });

    /// <summary>paper: Karvonen's shape (8 layers, d_model 512, 8 heads, 1024 characters); runs as long as it takes, resumably.</summary>
    public static ChessPreset Paper { get; } = new("paper", 8, 512, 8, 1024, 1_000_000,
        new TrainingOptions { Steps = 600_000, BatchSize = 64, LearningRate = 3e-4, WarmupSteps = 2000, Objective = TrainingObjective.NextToken, CheckpointEvery = 500 });

    /// <summary>A preset by name.</summary>
    public static ChessPreset Named(string name) => name switch
    {
        "small" => Small,
        "paper" => Paper,
        _ => throw new ArgumentException($"chess preset '{name}' is not one of small, paper"),
    };

    private sealed record PresetFile(string Game, string Preset, int Layers, int DModel, int Heads, int ContextWidth, int Games, int Steps,
        int BatchSize, double LearningRate, int WarmupSteps, string Objective, ulong Seed, string Data);

    /// <summary>
    /// Records the preset of a training folder, refusing a folder trained with another preset, seed or data.
    /// </summary>
    /// <param name="folder">The training folder.</param>
    /// <param name="preset">The preset, with the run's seed and step count.</param>
    /// <param name="data">Where the games come from: "random" or the transcripts file's full path.</param>
    public static void Record(string folder, ChessPreset preset, string data)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, TrainingFolder.PresetFile);
        TrainingOptions o = preset.Options;
        var record = new PresetFile("chess", preset.Name, preset.Layers, preset.DModel, preset.Heads, preset.ContextWidth, preset.Games, o.Steps,
            o.BatchSize, o.LearningRate, o.WarmupSteps, o.Objective.ToString(), o.Seed, data);
        if (File.Exists(path))
        {
            if (TrainingFolder.GameOf(path) is not "chess") throw new ArgumentException($"{path}: this folder trains an Othello model; use another folder for chess");
            PresetFile existing = JsonSerializer.Deserialize<PresetFile>(File.ReadAllText(path))!;
            if (existing with { Steps = record.Steps } != record)
                throw new ArgumentException($"{path}: this folder trains chess preset '{existing.Preset}' (seed {existing.Seed}, data {existing.Data}); " +
                    $"use another folder for '{record.Preset}' (seed {record.Seed}, data {record.Data})");
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The model of a chess training folder, with the weights of its latest checkpoint.</summary>
    public static TransformerModel Load(string folder)
    {
        TrainingFolder.LatestCheckpoint(folder);   // refuses a folder without a checkpoint
        string presetPath = Path.Combine(folder, TrainingFolder.PresetFile);
        if (TrainingFolder.GameOf(presetPath) is not "chess") throw new ArgumentException($"{folder}: an Othello training folder, not a chess one");
        PresetFile preset = JsonSerializer.Deserialize<PresetFile>(File.ReadAllText(presetPath))!;
        var shape = new ChessPreset(preset.Preset, preset.Layers, preset.DModel, preset.Heads, preset.ContextWidth, preset.Games, new TrainingOptions());
        var model = new TransformerModel(shape.Config);
        TrainingFolder.LoadLatestWeights(folder, model);
        return model;
    }
}
