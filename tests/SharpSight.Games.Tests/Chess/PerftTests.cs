using System.Diagnostics;
using SharpSight.Games.Chess;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Chess;

public class PerftTests(ITestOutputHelper output)
{
    // The brief quoted "r3k2r/p1ppqpb1/bn2pnp1/3P4/1p2P3/2N2N2/PPPBBPPP/R3K2R w KQkq - 0 1" (the white knight on e5,
    // queen on f3 and black pawn on h3 lost); 48/2039/97862/4085603 are the counts of the real Kiwipete below.
    public const string Kiwipete = "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1";
    public const string Pos3 = "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1";
    public const string Pos4 = "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1";
    public const string Pos4Mirrored = "r2q1rk1/pP1p2pp/Q4n2/bbp1p3/Np6/1B3NBn/pPPP1PPP/R3K2R b KQ - 0 1";
    public const string Pos5 = "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8";
    // The brief quoted ".../2B1P3/..." (black bishop g4 lost); 46/2079/89890 belong to the wiki's position 6 below.
    public const string Pos6 = "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10";

    public static TheoryData<string, int, long> Cases => new()
    {
        { Position.StartFen, 1, 20 }, { Position.StartFen, 2, 400 }, { Position.StartFen, 3, 8902 },
        { Position.StartFen, 4, 197281 }, { Position.StartFen, 5, 4865609 },
        { Kiwipete, 1, 48 }, { Kiwipete, 2, 2039 }, { Kiwipete, 3, 97862 }, { Kiwipete, 4, 4085603 },
        { Pos3, 1, 14 }, { Pos3, 2, 191 }, { Pos3, 3, 2812 }, { Pos3, 4, 43238 }, { Pos3, 5, 674624 },
        { Pos4, 1, 6 }, { Pos4, 2, 264 }, { Pos4, 3, 9467 }, { Pos4, 4, 422333 },
        { Pos4Mirrored, 1, 6 }, { Pos4Mirrored, 2, 264 }, { Pos4Mirrored, 3, 9467 }, { Pos4Mirrored, 4, 422333 },
        { Pos5, 1, 44 }, { Pos5, 2, 1486 }, { Pos5, 3, 62379 },
        { Pos6, 1, 46 }, { Pos6, 2, 2079 }, { Pos6, 3, 89890 },
        // Edge cases (Martin Sedlak's perft suite and hand counts): en passant pins and checks, castling, promotions.
        { "8/8/8/KPp4r/8/8/8/7k w - c6 0 2", 1, 4 }, // bxc6 e.p. would expose the king along the rank
        { "8/8/8/2k5/3Pp3/8/8/4K3 b - d3 0 1", 1, 9 }, // exd3 e.p. removes the checking pawn
        { "3k4/3p4/8/K1P4r/8/8/8/8 b - - 0 1", 6, 1134888 },
        { "8/8/4k3/8/2p5/8/B2P2K1/8 w - - 0 1", 6, 1015133 },
        { "8/8/1k6/2b5/2pP4/8/5K2/8 b - d3 0 1", 6, 1440467 },
        { "5k2/8/8/8/8/8/8/4K2R w K - 0 1", 6, 661072 },
        { "3k4/8/8/8/8/8/8/R3K3 w Q - 0 1", 6, 803711 },
        { "r3k2r/1b4bq/8/8/8/8/7B/R3K2R w KQkq - 0 1", 4, 1274206 },
        { "r3k2r/8/3Q4/8/8/5q2/8/R3K2R b KQkq - 0 1", 4, 1720476 },
        { "2K2r2/4P3/8/8/8/8/8/3k4 w - - 0 1", 6, 3821001 },
        { "8/8/1P2K3/8/2n5/1q6/8/5k2 b - - 0 1", 5, 1004658 },
        { "4k3/1P6/8/8/8/8/K7/8 w - - 0 1", 6, 217342 },
        { "8/P1k5/K7/8/8/8/8/8 w - - 0 1", 6, 92683 },
        { "K1k5/8/P7/8/8/8/8/8 w - - 0 1", 6, 2217 },
        { "8/k1P5/8/1K6/8/8/8/8 w - - 0 1", 7, 567584 },
        { "8/8/2k5/5q2/5n2/8/5K2/8 b - - 0 1", 4, 23527 },
        { "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1", 1, 24 }, { "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1", 4, 182838 },
        { "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", 3, 13744 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerftMatchesKnownCounts(string fen, int depth, long expected)
    {
        Assert.Equal(expected, Perft.Count(Position.FromFen(fen), depth));
    }

    [Fact]
    public void StartDepth5Speed()
    {
        var sw = Stopwatch.StartNew();
        long n = Perft.Count(Position.Start, 5);
        sw.Stop();
        output.WriteLine($"perft(start, 5) = {n} in {sw.Elapsed.TotalSeconds:F3} s, {n / sw.Elapsed.TotalSeconds / 1e6:F1} M nodes/s");
        Assert.Equal(4865609, n);
        Assert.True(sw.Elapsed.TotalSeconds < 5, $"took {sw.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void DivideSumsToCount()
    {
        var divide = Perft.Divide(Position.FromFen(Kiwipete), 2);
        Assert.Equal(48, divide.Count);
        Assert.Equal(2039, divide.Sum(kv => kv.Value));
        Assert.Contains(divide, kv => kv.Key.ToUci() == "e1g1" && (kv.Key.Flags & MoveFlags.Castle) != 0);
    }

    [Fact]
    public void LeafCountMatchesListedMovesInRandomGames()
    {
        // Perft counts the last ply without listing the moves; check that count against the listed moves.
        var rng = new Random(12345);
        string[] starts = [Position.StartFen, Kiwipete, Pos3, Pos4, Pos4Mirrored, Pos5, Pos6];
        int positions = 0;
        for (int game = 0; game < 300; game++)
        {
            var p = Position.FromFen(starts[game % starts.Length]);
            for (int ply = 0; ply < 200; ply++)
            {
                var moves = p.LegalMoves();
                Assert.True(moves.Count == Perft.Count(p, 1), p.ToFen());
                positions++;
                if (moves.Count == 0) break;
                p = p.Play(moves[rng.Next(moves.Count)]);
            }
        }
        Assert.True(positions > 10000);
    }
}
