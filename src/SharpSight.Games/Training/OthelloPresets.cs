using System.Text.Json;
using SharpSight.Core.IO;
using SharpSight.Games.Othello;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;

namespace SharpSight.Games.Training;

/// <summary>A named Othello model shape and training recipe.</summary>
/// <param name="Name">small, medium, lab or paper.</param>
/// <param name="Layers">Blocks.</param>
/// <param name="DModel">Residual width.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Games">Random training games.</param>
/// <param name="Options">Optimisation (steps, batch, objective, …).</param>
public sealed record OthelloPreset(string Name, int Layers, int DModel, int Heads, int Games, TrainingOptions Options)
{
    /// <summary>The GPT-2-style architecture over the Othello vocabulary.</summary>
    public TransformerConfig Config => new()
    {
        ModelType = "gpt2", VocabSize = OthelloVocabulary.Size, DModel = DModel, Layers = Layers, Heads = Heads, KeyValueHeads = Heads,
        HeadDim = DModel / Heads, DMlp = 4 * DModel, MaxPositions = OthelloGame.MaxMoves, Norm = NormKind.LayerNorm, NormEps = 1e-5,
        Activation = ActivationKind.GeluTanh, GatedMlp = false, Positions = PositionKind.Learned, TiedEmbeddings = false,
        QkvBias = true, AttentionOutBias = true, MlpBias = true, AttentionScale = 1 / Math.Sqrt(DModel / Heads), SlidingWindows = new int?[Layers],
    };
}

/// <summary>
/// The Othello presets and the files of a training folder: preset.json (what was trained, for reproduction) beside the
/// trainer's checkpoints.
/// </summary>
public static class OthelloPresets
{
    /// <summary>small: trains in at most about 10 minutes on 2 CPU cores (legal-move objective).</summary>
    public static OthelloPreset Small { get; } = new("small", 4, 128, 4, 100_000,
        new TrainingOptions { Steps = 6000, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 200, Objective = TrainingObjective.LegalMoves, CheckpointEvery = 500 });

    /// <summary>medium: at most about 60 minutes on 2 CPU cores (legal-move objective).</summary>
    public static OthelloPreset Medium { get; } = new("medium", 6, 256, 8, 400_000,
        new TrainingOptions { Steps = 3000, BatchSize = 64, LearningRate = 1e-3, WarmupSteps = 300, Objective = TrainingObjective.LegalMoves, CheckpointEvery = 250 });

    /// <summary>
    /// lab: the laboratory model shipped in the repository: medium's shape (19 MB of fp32 weights, under the 20 MB cap)
    /// trained longer on more games (legal-move objective); about 60 minutes on 2 idle CPU cores, resumable.
    /// </summary>
    public static OthelloPreset Lab { get; } = new("lab", 6, 256, 8, 1_000_000,
        new TrainingOptions { Steps = 5000, BatchSize = 64, LearningRate = 1e-3, WarmupSteps = 300, Objective = TrainingObjective.LegalMoves, CheckpointEvery = 250 });

    /// <summary>paper: the published shape (8 layers, d_model 512, 8 heads), next-token prediction; runs as long as it takes, resumably.</summary>
    public static OthelloPreset Paper { get; } = new("paper", 8, 512, 8, 2_000_000,
        new TrainingOptions { Steps = 100_000, BatchSize = 64, LearningRate = 5e-4, WarmupSteps = 1000, Objective = TrainingObjective.NextToken, CheckpointEvery = 500 });

    /// <summary>A preset by name.</summary>
    public static OthelloPreset Named(string name) => name switch
    {
        "small" => Small,
        "medium" => Medium,
        "lab" => Lab,
        "paper" => Paper,
        _ => throw new ArgumentException($"preset '{name}' is not one of small, medium, lab, paper"),
    };

    private sealed record PresetFile(string Preset, int Layers, int DModel, int Heads, int Games, int Steps, int BatchSize, double LearningRate,
        int WarmupSteps, string Objective, ulong Seed);

    /// <summary>Records the preset of a training folder (refusing a folder trained with another one).</summary>
    public static void Record(string folder, OthelloPreset preset)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "preset.json");
        var record = new PresetFile(preset.Name, preset.Layers, preset.DModel, preset.Heads, preset.Games, preset.Options.Steps, preset.Options.BatchSize,
            preset.Options.LearningRate, preset.Options.WarmupSteps, preset.Options.Objective.ToString(), preset.Options.Seed);
        if (File.Exists(path))
        {
            if (TrainingFolder.GameOf(path) is { } game) throw new ArgumentException($"{path}: this folder trains a {game} model; use another folder for Othello");
            PresetFile existing = JsonSerializer.Deserialize<PresetFile>(File.ReadAllText(path))!;
            if (existing with { Steps = record.Steps } != record)
                throw new ArgumentException($"{path}: this folder trains preset '{existing.Preset}' (seed {existing.Seed}); use another folder for '{record.Preset}' (seed {record.Seed})");
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The model of a training folder, with the weights of its latest checkpoint.</summary>
    public static TransformerModel Load(string folder)
    {
        string presetPath = Path.Combine(folder, TrainingFolder.PresetFile);
        TrainingFolder.LatestCheckpoint(folder);   // refuses a folder without a checkpoint
        if (TrainingFolder.GameOf(presetPath) is { } game) throw new ArgumentException($"{folder}: a {game} training folder, not an Othello one");
        PresetFile preset = JsonSerializer.Deserialize<PresetFile>(File.ReadAllText(presetPath))!;
        var shape = new OthelloPreset(preset.Preset, preset.Layers, preset.DModel, preset.Heads, preset.Games, new TrainingOptions());
        var model = new TransformerModel(shape.Config);
        TrainingFolder.LoadLatestWeights(folder, model);
        return model;
    }
}
