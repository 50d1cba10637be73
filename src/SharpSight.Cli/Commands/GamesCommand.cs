using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Modules;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight games`: the board-game laboratory (perft, datasets).</summary>
internal static class GamesCommand
{
    public static Command Create() => new("games", "The board-game laboratory: Othello and chess engines and datasets")
    {
        Perft(),
        Generate(),
        Train(),
        Probe(),
    };

    private static Command Train()
    {
        var game = new Option<string>("--game") { Description = "othello or chess", DefaultValueFactory = _ => "othello" };
        var preset = new Option<string>("--preset")
        {
            Description = "Othello: small (≤ 10 min on 2 cores), medium (≤ 60 min), lab (the shipped laboratory model, ~80 min), paper (8 layers, d_model 512); " +
                "chess: small (≤ 10 min on 2 cores), paper (8 layers, d_model 512, 1024 characters)",
            DefaultValueFactory = _ => "small",
        };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Training folder: checkpoints and preset.json; an existing one is resumed", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Override the preset's step count (continue a run further)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the games and the data order", DefaultValueFactory = _ => 0UL };
        var data = new Option<FileInfo?>("--data") { Description = "Chess: transcripts to train on, one ';1.e4 e5 2.Nf3 …' per line (default: seeded random games)" };
        var command = new Command("train", "Train an Othello or chess model from scratch (resumable; Ctrl+C saves a checkpoint)") { game, preset, outDir, steps, seed, data };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            string folder = parsed.GetValue(outDir)!.FullName;
            switch (parsed.GetValue(game))
            {
                case "othello":
                    if (parsed.GetValue(data) is not null) throw new ArgumentException("--data is for chess; Othello trains on seeded random games");
                    TrainOthello(output, parsed.GetValue(preset)!, folder, parsed.GetValue(steps), parsed.GetValue(seed));
                    break;
                case "chess":
                    ChessTraining.Run(output, parsed.GetValue(preset)!, folder, parsed.GetValue(steps), parsed.GetValue(seed), parsed.GetValue(data)?.FullName);
                    break;
                case var other:
                    throw new ArgumentException($"game '{other}' is not one of othello, chess");
            }
        });
        return command;
    }

    private static void TrainOthello(TextWriter output, string presetName, string folder, int? steps, ulong gameSeed)
    {
        OthelloPreset chosen = OthelloPresets.Named(presetName);
        chosen = chosen with { Options = chosen.Options with { Seed = gameSeed, Steps = steps ?? chosen.Options.Steps } };
        OthelloPresets.Record(folder, chosen);

        output.WriteLine($"preset {chosen.Name}: {chosen.Layers} layers, d_model {chosen.DModel}, {chosen.Heads} heads, {chosen.Options.Objective} objective, " +
            $"{chosen.Options.Steps} steps of {chosen.Options.BatchSize} games, {chosen.Games:N0} random games (seed {gameSeed})");
        var train = new OthelloTrainingData([.. OthelloRandomGames.Generate(chosen.Games, gameSeed)]);
        var heldOut = new OthelloTrainingData([.. OthelloRandomGames.Generate(1000, gameSeed + 1)]);
        using var model = new TransformerModel(chosen.Config);
        SharpSight.Models.Testbeds.RandomWeights.Initialize(model, (long)gameSeed);

        TrainingRun run = TrainingDisplay.RunCancellably(output, chosen.Options.Steps,
            (progress, cancel) => GameModelTrainer.Train(model, train, chosen.Options, folder, progress, cancel));
        output.WriteLine(run.Completed ? $"done at step {chosen.Options.Steps}" : "stopped; run the same command to resume");
        string exported = Path.Combine(folder, "model");
        SharpSight.Models.Loading.Gpt2Export.Write(model, exported);
        output.WriteLine($"wrote {exported} (Hugging Face GPT-2 layout: sharpsight inspect / trace --model {exported})");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"legal-move rate on 1,000 held-out random games: {GameModelTrainer.LegalMoveRate(model, heldOut):P2}"));
    }

    private static Command Probe()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A training folder written by 'games train'", Required = true };
        var games = new Option<int>("--games") { Description = "Random games to probe on (80% train, 20% test)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the probe games", DefaultValueFactory = _ => 12345UL };
        var command = new Command("probe", "Linear probes of the board (empty / mine / theirs) at every layer, beside a random-init control") { model, games, seed };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            using var trained = OthelloPresets.Load(parsed.GetValue(model)!.FullName);
            using var control = new TransformerModel(trained.Config);
            SharpSight.Models.Testbeds.RandomWeights.Initialize(control, seed: 7);
            var probeGames = OthelloRandomGames.Generate(parsed.GetValue(games), parsed.GetValue(seed)).ToArray();
            string[] hooks = ["hook_embed", .. Enumerable.Range(0, trained.Config.Layers).Select(l => $"blocks.{l}.hook_resid_post")];
            var results = SharpSight.Evals.Probing.OthelloBoardProbe.ByHook(trained, probeGames, hooks);
            var baseline = SharpSight.Evals.Probing.OthelloBoardProbe.ByHook(control, probeGames, hooks);
            output.WriteLine($"{"hook point",-26} {"all squares",12} {"occupied",10}   {"control all",12} {"control occ.",12}");
            for (int i = 0; i < hooks.Length; i++)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{hooks[i],-26} {results[i].Accuracy,12:P1} {results[i].OccupiedAccuracy,10:P1}   {baseline[i].Accuracy,12:P1} {baseline[i].OccupiedAccuracy,12:P1}"));
        });
        return command;
    }

    private static Command Perft()
    {
        var game = new Argument<string>("game") { Description = "othello or chess" };
        var depth = new Argument<int>("depth") { Description = "Plies to search" };
        var fen = new Option<string?>("--fen") { Description = "Chess start position (FEN); default the initial position" };
        var command = new Command("perft", "Count the leaf nodes of the game tree to a depth (move-generation check), with nodes per second") { game, depth, fen };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            int plies = parsed.GetValue(depth);
            if (plies < 0 || plies > 20) throw new ArgumentException($"depth {plies} is outside 0..20");
            var watch = Stopwatch.StartNew();
            long nodes = parsed.GetValue(game) switch
            {
                "othello" => parsed.GetValue(fen) is null ? OthelloPerft.Count(OthelloBoard.Start, plies)
                    : throw new ArgumentException("--fen is for chess"),
                "chess" => ChessPerft(parsed.GetValue(fen), plies),
                var other => throw new ArgumentException($"game '{other}' is not one of othello, chess"),
            };
            double seconds = watch.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"perft({plies}) = {nodes}  ({seconds:F3} s, {nodes / Math.Max(seconds, 1e-9):N0} nodes/s)"));
        });
        return command;
    }

    private static Command Generate()
    {
        var game = new Argument<string>("game") { Description = "othello" };
        var count = new Option<int>("--count") { Description = "Number of games", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0UL };
        var outFile = new Option<FileInfo>("--out") { Description = "Output file (compact game format, written atomically)", Required = true };
        var command = new Command("generate", "Generate seeded random legal games into a compact dataset file") { game, count, seed, outFile };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            if (parsed.GetValue(game) != "othello") throw new ArgumentException($"game '{parsed.GetValue(game)}' is not one of othello");
            int games = parsed.GetValue(count);
            if (games < 1) throw new ArgumentException($"--count must be positive, got {games}");
            var watch = Stopwatch.StartNew();
            string path = parsed.GetValue(outFile)!.FullName;
            int written = OthelloGameFile.Write(path, OthelloRandomGames.Generate(games, parsed.GetValue(seed)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {written} games to {path} ({new FileInfo(path).Length:N0} bytes, {written / watch.Elapsed.TotalSeconds:N0} games/s)"));
        });
        return command;
    }

    private static long ChessPerft(string? fen, int depth) =>
        SharpSight.Games.Chess.Perft.Count(fen is null ? SharpSight.Games.Chess.Position.Start : SharpSight.Games.Chess.Position.FromFen(fen), depth);
}
