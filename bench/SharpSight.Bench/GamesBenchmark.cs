using System.Diagnostics;
using System.Globalization;
using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using SharpSight.Games.Othello;

namespace SharpSight.Bench;

/// <summary>
/// Move-generation speed: Othello perft(10) and chess perft(5) from the start position (single thread, bulk counting),
/// random Othello and chess games per second (chess also written as transcripts), and, when Debian's stockfish is
/// installed, stockfish's own `go perft 5` in the same run (the ratio of our nodes/s to its).
/// </summary>
internal static class GamesBenchmark
{
    private const string Stockfish = "/usr/games/stockfish";

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        (long othelloNodes, double othelloSeconds) = Time(() => OthelloPerft.Count(OthelloBoard.Start, 10));
        Console.WriteLine(string.Create(inv, $"othello perft(10) = {othelloNodes}: {othelloNodes / othelloSeconds / 1e6:F1} M nodes/s"));

        var watch = Stopwatch.StartNew();
        int games = OthelloRandomGames.Generate(100_000, 1).Count();
        Console.WriteLine(string.Create(inv, $"othello random games: {games / watch.Elapsed.TotalSeconds:N0} games/s"));

        // Chess random games to the default 600-ply cap (about 350 plies each), then the same games written as transcripts.
        ChessRandomGames.Generate(2_000, 2).Count(); // warm-up
        watch.Restart();
        var chessGames = ChessRandomGames.Generate(20_000, 1).ToList();
        double generated = chessGames.Count / watch.Elapsed.TotalSeconds;
        watch.Restart();
        long characters = chessGames.Sum(g => (long)ChessGameFile.FormatLine(g).Length);
        Console.WriteLine(string.Create(inv,
            $"chess random games: {generated:N0} games/s ({chessGames.Average(g => g.Moves.Count):F0} plies each); as transcripts: {chessGames.Count / watch.Elapsed.TotalSeconds:N0} games/s ({characters / chessGames.Count:N0} characters each)"));

        (long chessNodes, double chessSeconds) = Time(() => Perft.Count(Position.Start, 5));
        double ours = chessNodes / chessSeconds;
        Console.WriteLine(string.Create(inv, $"chess perft(5) = {chessNodes}: {ours / 1e6:F1} M nodes/s"));
        if (File.Exists(Stockfish) && StockfishPerft(5) is { } reference)
            Console.WriteLine(string.Create(inv, $"stockfish go perft 5 = {reference.Nodes}: {reference.NodesPerSecond / 1e6:F1} M nodes/s; ratio ours/stockfish = {ours / reference.NodesPerSecond:F2}"));
        else
            Console.WriteLine("stockfish not installed (apt-get install stockfish): no reference ratio");
        return 0;
    }

    private static (long Nodes, double Seconds) Time(Func<long> perft)
    {
        // Warm up for at least a second: .NET recompiles hot code with full optimisation only after ~100 ms of calls,
        // and a single short warm-up run would leave the timed run in first-tier code.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.0) perft();
        var watch = Stopwatch.StartNew();
        long nodes = perft();
        return (nodes, watch.Elapsed.TotalSeconds);
    }

    // Runs stockfish's perft twice (the first warms it up) and times the second from our side of the pipe.
    private static (long Nodes, double NodesPerSecond)? StockfishPerft(int depth)
    {
        (long Nodes, double Seconds)? last = null;
        for (int run = 0; run < 2; run++)
        {
            var info = new ProcessStartInfo(Stockfish) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            using Process process = Process.Start(info)!;
            process.StandardInput.WriteLine("uci");
            process.StandardInput.WriteLine("isready");
            while (process.StandardOutput.ReadLine() is { } line && line != "readyok") { }
            var watch = Stopwatch.StartNew();
            process.StandardInput.WriteLine($"go perft {depth}");
            long? nodes = null;
            while (process.StandardOutput.ReadLine() is { } line)
                if (line.StartsWith("Nodes searched:", StringComparison.Ordinal))
                {
                    nodes = long.Parse(line["Nodes searched:".Length..].Trim(), CultureInfo.InvariantCulture);
                    break;
                }
            double seconds = watch.Elapsed.TotalSeconds;
            process.StandardInput.WriteLine("quit");
            process.WaitForExit(5000);
            if (nodes is null) return null;
            last = (nodes.Value, seconds);
        }
        return (last!.Value.Nodes, last.Value.Nodes / last.Value.Seconds);
    }
}
