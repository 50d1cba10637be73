using SharpSight.Games.Chess;

namespace SharpSight.Games.Tests.Chess;

public class SanTests
{
    [Theory]
    // fen, uci, expected SAN
    [InlineData(Position.StartFen, "g1f3", "Nf3")]
    [InlineData(Position.StartFen, "e2e4", "e4")]
    [InlineData("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "e1g1", "O-O")]
    [InlineData("r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1", "e8c8", "O-O-O")]
    [InlineData("6k1/8/8/8/8/8/8/R3K2R w KQ - 0 1", "a1a8", "Ra8+")]
    [InlineData("7k/R7/8/8/8/8/8/1R2K3 w - - 0 1", "b1b8", "Rb8#")]
    [InlineData("4k3/8/8/8/8/8/8/R4RK1 w - - 0 1", "a1d1", "Rad1")] // file disambiguation
    [InlineData("4k3/8/8/8/R7/8/8/R3K3 w - - 0 1", "a1a2", "R1a2")] // rank disambiguation
    [InlineData("2k5/8/8/8/Q7/8/8/Q3K3 w - - 0 1", "a4d1", "Q4d1")] // rank
    [InlineData("4k3/8/8/8/8/Q7/8/Q1Q4K w - - 0 1", "a1b2", "Qa1b2")] // both
    [InlineData("3k4/8/8/8/Q7/8/8/Q3K3 w - - 0 1", "a4b3", "Qb3")] // only one queen reaches b3
    [InlineData("4k3/8/8/3p4/4P3/8/8/4K3 w - - 0 1", "e4d5", "exd5")]
    [InlineData("1r2k3/P7/8/8/8/8/8/4K3 w - - 0 1", "a7b8q", "axb8=Q+")]
    [InlineData("4k3/P7/8/8/8/8/8/4K3 w - - 0 1", "a7a8n", "a8=N")]
    [InlineData("8/8/8/2k5/3Pp3/8/8/4K3 b - d3 0 1", "e4d3", "exd3")]
    [InlineData("4k3/8/8/8/8/2N3N1/8/4K3 w - - 0 1", "c3e2", "Nce2")]
    [InlineData("4k3/8/8/8/8/8/8/1N2KN2 w - - 0 1", "f1d2", "Nfd2")]
    [InlineData("4k3/8/8/8/8/8/4N3/4KN2 w - - 0 1", "e2g3", "Neg3")]
    public void WritesSan(string fen, string uci, string san)
    {
        var p = Position.FromFen(fen);
        var m = p.ParseUci(uci);
        Assert.Equal(san, p.ToSan(m));
        Assert.Equal(m, p.ParseSan(san));
    }

    [Theory]
    [InlineData(Position.StartFen, "Nf3!?", "g1f3")]
    [InlineData(Position.StartFen, "e4??", "e2e4")]
    [InlineData(Position.StartFen, "Ng1f3", "g1f3")]
    [InlineData(Position.StartFen, "Ng1-f3", "g1f3")]
    [InlineData("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "0-0", "e1g1")]
    [InlineData("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "0-0-0+", "e1c1")]
    [InlineData("7k/R7/8/8/8/8/8/1R2K3 w - - 0 1", "Rb8", "b1b8")] // missing '#'
    [InlineData("4k3/P7/8/8/8/8/8/4K3 w - - 0 1", "a8Q", "a7a8q")]
    [InlineData("4k3/8/8/3p4/4P3/8/8/4K3 w - - 0 1", "ed5", "e4d5")]
    public void ParsesTolerantly(string fen, string san, string uci) =>
        Assert.Equal(uci, Position.FromFen(fen).ParseSan(san).ToUci());

    [Theory]
    [InlineData(Position.StartFen, "Nd4", "move 1 (white) 'Nd4'", "illegal")]
    [InlineData(Position.StartFen, "e5", "move 1 (white) 'e5'", "illegal")]
    [InlineData(Position.StartFen, "O-O", "move 1 (white) 'O-O'", "not legal")]
    [InlineData(Position.StartFen, "Zf3", "'Zf3'", "unexpected character")]
    [InlineData(Position.StartFen, "N", "'N'", "no destination")]
    [InlineData("4k3/8/8/8/8/8/8/R4RK1 w - - 0 1", "Rd1", "'Rd1'", "ambiguous (matches a1d1, f1d1)")]
    [InlineData("4k3/8/8/8/8/Q7/8/Q1Q4K w - - 0 7", "Qab2", "move 7 (white) 'Qab2'", "ambiguous")]
    [InlineData("4k3/P7/8/8/8/8/8/4K3 w - - 0 1", "a8", "'a8'", "without a promotion")]
    [InlineData("4k3/8/8/8/8/8/8/4K3 b - - 0 12", "Kd9", "move 12 (black) 'Kd9'", "no destination")]
    public void RejectsBadSan(string fen, string san, string where, string why)
    {
        var e = Assert.Throws<GameRecordException>(() => Position.FromFen(fen).ParseSan(san));
        Assert.Contains(where, e.Message);
        Assert.Contains(why, e.Message);
    }
}
