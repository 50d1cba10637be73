using System.Text.Json;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Games.Training;

/// <summary>What the preset files of Othello and chess training folders share.</summary>
public static class TrainingFolder
{
    /// <summary>The file naming a training folder's game, preset and settings.</summary>
    public const string PresetFile = "preset.json";

    /// <summary>
    /// The game a folder's preset.json records: "chess" for chess folders; null for Othello ones, whose format predates
    /// the field and stays as it is (the laboratory model's folder must resume unchanged).
    /// </summary>
    public static string? GameOf(string presetPath) =>
        JsonDocument.Parse(File.ReadAllText(presetPath)).RootElement.TryGetProperty("Game", out JsonElement game) ? game.GetString() : null;

    /// <summary>The checkpoint folder latest.json points at.</summary>
    public static string LatestCheckpoint(string folder)
    {
        string latest = Path.Combine(folder, "latest.json");
        if (!File.Exists(Path.Combine(folder, PresetFile)) || !File.Exists(latest))
            throw new ArgumentException($"{folder}: not a training folder with a checkpoint (preset.json, latest.json)");
        return Path.Combine(folder, JsonDocument.Parse(File.ReadAllText(latest)).RootElement.GetProperty("Folder").GetString()!);
    }

    /// <summary>Copies the weights of the folder's latest checkpoint into <paramref name="model"/>.</summary>
    public static void LoadLatestWeights(string folder, TransformerModel model)
    {
        using var weights = SafetensorsFile.Open(Path.Combine(LatestCheckpoint(folder), "model.safetensors"));
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using Tensor value = weights.Read(name);
            parameter.copy_(value);
        }
    }
}
