using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpSight.Games.Othello;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight games`: the board-game laboratory (perft, datasets).</summary>
internal static class GamesCommand
{
    public static Command Create() => new("games", "The board-game laboratory: Othello and chess engines and datasets")
    {
        Perft(),
        Generate(),
    };

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
