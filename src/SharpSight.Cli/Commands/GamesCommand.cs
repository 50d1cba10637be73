using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpSight.Games.Chess.Datasets;
using ChessGame = SharpSight.Games.Chess.ChessGame;
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
        Import(),
        Train(),
        Probe(),
        Evaluate(),
    };

    private static Command Train()
    {
        var game = new Option<string>("--game") { Description = "othello or chess", DefaultValueFactory = _ => "othello" };
        var preset = new Option<string>("--preset")
        {
            Description = "Othello: small (≤ 10 min on 2 cores), medium (≤ 60 min), lab (the shipped laboratory model, ~60 min), paper (8 layers, d_model 512); " +
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

    /// <summary>Trains (or resumes) an Othello model of a preset in <paramref name="folder"/> and exports it to FOLDER/model.</summary>
    internal static void TrainOthello(TextWriter output, string presetName, string folder, int? steps, ulong gameSeed)
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

        TrainingDisplay.TrainAndExport(output, model, train, chosen.Options, folder);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"legal-move rate on 1,000 held-out random games: {GameModelTrainer.LegalMoveRate(model, heldOut):P2}"));
    }

    private static Command Probe()
    {
        var model = ModelFolderOption();
        var games = new Option<int>("--games") { Description = "Random games to probe on (80% train, 20% test)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the probe games", DefaultValueFactory = _ => 12345UL };
        var command = new Command("probe", "Linear probes of the board (empty / mine / theirs) at every layer, beside a random-init control") { model, games, seed };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            using var trained = SharpSight.Games.Laboratory.OthelloLaboratory.LoadModel(ModelFolder(parsed, model));
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

    private static Command Evaluate()
    {
        var model = ModelFolderOption();
        var games = new Option<int>("--games") { Description = "Held-out random games to score", DefaultValueFactory = _ => 2000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the held-out random games (not the training seed)", DefaultValueFactory = _ => 20_261_125UL };
        var championship = new Option<FileInfo?>("--championship") { Description = "eOthello championship CSV (default: shared/data's othello_dataset.csv when found)" };
        var limit = new Option<int?>("--championship-games") { Description = "Score only the first N championship games (default all)" };
        var command = new Command("eval", "Legal-move rate of an Othello model on held-out random games and on real championship games") { model, games, seed, championship, limit };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            using var trained = SharpSight.Games.Laboratory.OthelloLaboratory.LoadModel(ModelFolder(parsed, model));
            int count = parsed.GetValue(games);
            if (count < 1) throw new ArgumentException($"--games must be positive, got {count}");
            WriteReport(output, SharpSight.Games.Laboratory.LegalMoveEvaluation.OnRandomGames(trained, count, parsed.GetValue(seed)));
            string? csv = parsed.GetValue(championship)?.FullName ?? SharpSight.Games.Laboratory.OthelloLaboratory.FindChampionshipGames();
            if (csv is null) output.WriteLine("championship games: not found; pass --championship FILE");
            else WriteReport(output, SharpSight.Games.Laboratory.LegalMoveEvaluation.OnChampionshipGames(trained, csv, parsed.GetValue(limit)));
        });
        return command;
    }

    private static void WriteReport(TextWriter output, SharpSight.Games.Laboratory.LegalMoveReport report) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Games:N0} {report.Source} ({report.Positions:N0} positions): legal-move rate {report.Rate:P2}"));

    private static Option<DirectoryInfo?> ModelFolderOption() =>
        new("--model") { Description = "A training folder of 'games train' or a model folder (default: the shipped laboratory model)" };

    private static string ModelFolder(ParseResult parsed, Option<DirectoryInfo?> option) =>
        parsed.GetValue(option)?.FullName ?? SharpSight.Games.Laboratory.OthelloLaboratory.DefaultFolder();

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
        var game = new Argument<string>("game") { Description = "othello or chess" };
        var count = new Option<int>("--count") { Description = "Number of games", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0UL };
        var outFile = new Option<FileInfo>("--out") { Description = "Output file, written atomically (othello: compact binary; chess: one transcript per line, gzip when it ends in .gz)", Required = true };
        var chess = new ChessGenerateOptions();
        var command = new Command("generate", "Generate seeded games into a dataset file: random legal games, or (chess) engine self-play") { game, count, seed, outFile };
        foreach (Option option in chess.All) command.Options.Add(option);
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            int games = parsed.GetValue(count);
            if (games < 1) throw new ArgumentException($"--count must be positive, got {games}");
            string path = parsed.GetValue(outFile)!.FullName;
            switch (parsed.GetValue(game))
            {
                case "othello":
                    chess.RefuseAll(parsed, "othello");
                    var watch = Stopwatch.StartNew();
                    int written = OthelloGameFile.Write(path, OthelloRandomGames.Generate(games, parsed.GetValue(seed)));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"wrote {written} games to {path} ({new FileInfo(path).Length:N0} bytes, {written / watch.Elapsed.TotalSeconds:N0} games/s)"));
                    break;
                case "chess":
                    chess.Generate(parsed, games, parsed.GetValue(seed), path, output);
                    break;
                case var other:
                    throw new ArgumentException($"game '{other}' is not one of othello, chess");
            }
        });
        return command;
    }

    private static Command Import()
    {
        var game = new Argument<string>("game") { Description = "chess" };
        var pgn = new Option<FileInfo[]>("--pgn") { Description = "PGN files to import (repeatable; several files may follow one --pgn)", AllowMultipleArgumentsPerToken = true };
        var csv = new Option<FileInfo[]>("--csv") { Description = "CSV files with a 'transcript' column of PGN text (the chess-GPT evaluation files)", AllowMultipleArgumentsPerToken = true };
        var outFile = new Option<FileInfo>("--out") { Description = "Output file: one transcript and result per line (gzip when it ends in .gz), written atomically", Required = true };
        var command = new Command("import", "Import external game collections (PGN, chess-GPT CSV) into the transcript dataset format") { game, pgn, csv, outFile };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            if (parsed.GetValue(game) != "chess") throw new ArgumentException($"game '{parsed.GetValue(game)}' is not one of chess");
            (FileInfo File, Func<string, IEnumerable<ChessGame>> Read)[] inputs =
            [
                .. (parsed.GetValue(pgn) ?? []).Select(f => (f, (Func<string, IEnumerable<ChessGame>>)ChessGameImport.FromPgn)),
                .. (parsed.GetValue(csv) ?? []).Select(f => (f, (Func<string, IEnumerable<ChessGame>>)ChessGameImport.FromCsv)),
            ];
            if (inputs.Length == 0) throw new ArgumentException("nothing to import: give --pgn FILE... and/or --csv FILE...");
            foreach (var input in inputs)
                if (!input.File.Exists) throw new FileNotFoundException($"'{input.File.FullName}' not found", input.File.FullName);
            var counts = new int[inputs.Length];
            long plies = 0;
            var watch = Stopwatch.StartNew();
            string path = parsed.GetValue(outFile)!.FullName;
            var imported = inputs.SelectMany((input, i) => input.Read(input.File.FullName).Select(g => { counts[i]++; plies += g.Moves.Count; return g; }));
            int written = ChessGameFile.Write(path, imported);
            string sources = string.Join(", ", inputs.Select((input, i) => $"{input.File.Name} ({counts[i]})"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"imported {written} games ({plies:N0} plies) from {sources}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path} ({new FileInfo(path).Length:N0} bytes, {written / watch.Elapsed.TotalSeconds:N0} games/s)"));
        });
        return command;
    }

    private static long ChessPerft(string? fen, int depth) =>
        SharpSight.Games.Chess.Perft.Count(fen is null ? SharpSight.Games.Chess.Position.Start : SharpSight.Games.Chess.Position.FromFen(fen), depth);
}
