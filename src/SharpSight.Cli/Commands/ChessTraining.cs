using System.Globalization;
using SharpSight.Games.Chess;
using SharpSight.Games.Training;
using SharpSight.Models.Modules;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight games train --game chess`: a character-level chess model, trained and scored like chess-GPT.</summary>
internal static class ChessTraining
{
    private const int RandomHeldOutGames = 100;

    public static void Run(TextWriter output, string presetName, string folder, int? steps, ulong seed, string? dataFile)
    {
        ChessPreset chosen = ChessPresets.Named(presetName);
        chosen = chosen with { Options = chosen.Options with { Seed = seed, Steps = steps ?? chosen.Options.Steps } };
        int width = chosen.ContextWidth;
        ChessTrainingData train;
        IReadOnlyList<PgnGame> heldOut;
        string source, heldOutName;
        if (dataFile is null)
        {
            ChessPresets.Record(folder, chosen, "random");
            source = $"{chosen.Games:N0} random games (seed {seed})";
            train = ChessTrainingData.FromGames(ChessTrainingGames.Random(chosen.Games, seed, ChessTrainingGames.PliesToFill(width)), width);
            heldOut = [.. ChessTrainingGames.Random(RandomHeldOutGames, seed + 1, ChessTrainingGames.PliesToFill(width))];
            heldOutName = $"{RandomHeldOutGames:N0} held-out random games";
        }
        else
        {
            IReadOnlyList<PgnGame> games = ChessTrainingGames.ReadTranscripts(dataFile);
            if (games.Count < 2) throw new ArgumentException($"{dataFile}: {games.Count} games; training needs at least 2 (the last tenth, at most {RandomHeldOutGames}, is held out)");
            int heldOutCount = Math.Clamp(games.Count / 10, 1, RandomHeldOutGames);   // the file's last games: never trained on
            chosen = chosen with { Games = games.Count - heldOutCount };
            ChessPresets.Record(folder, chosen, dataFile);
            source = $"{chosen.Games:N0} games of {dataFile}";
            train = ChessTrainingData.FromGames(games.Take(chosen.Games), width);
            heldOut = [.. games.Skip(chosen.Games)];
            heldOutName = $"the file's last {heldOutCount:N0} games (held out)";
        }
        output.WriteLine($"chess preset {chosen.Name}: {chosen.Layers} layers, d_model {chosen.DModel}, {chosen.Heads} heads, {width}-character context, " +
            $"{chosen.Options.Objective} objective, {chosen.Options.Steps} steps of {chosen.Options.BatchSize} games, {source}");

        using var model = new TransformerModel(chosen.Config);
        SharpSight.Models.Testbeds.RandomWeights.Initialize(model, (long)seed);
        TrainingDisplay.TrainAndExport(output, model, train, chosen.Options, folder);
        ChessLegalMoveScore score = ChessLegalMoveRate.Measure(model, heldOut, width);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"legal-move rate on {heldOutName}: {score.Rate:P2} ({score.Legal:N0} of {score.Scored:N0} moves in the {width}-character window)"));
    }
}
