using SharpSight.Games.Chess;

namespace SharpSight.Games.Tests.Chess;

public class FenTests
{
    public static TheoryData<string> Positions => new()
    {
        Position.StartFen, PerftTests.Kiwipete, PerftTests.Pos3, PerftTests.Pos4, PerftTests.Pos4Mirrored, PerftTests.Pos5, PerftTests.Pos6,
        "8/8/8/KPp4r/8/8/8/7k w - c6 0 2", "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1",
    };

    [Theory]
    [MemberData(nameof(Positions))]
    public void RoundTrips(string fen) => Assert.Equal(fen, Position.FromFen(fen).ToFen());

    [Fact]
    public void FourFieldFenGetsDefaultClocks() =>
        Assert.Equal("8/8/8/8/8/8/8/K6k w - - 0 1", Position.FromFen("8/8/8/8/8/8/8/K6k w - -").ToFen());

    [Theory]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "piece placement", "expected 8 ranks")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNRR w KQkq - 0 1", "piece placement", "rank 1")]
    [InlineData("rnbqkbnr/pppppppp/8/8/7/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "piece placement", "rank 4")]
    [InlineData("rnbqkbnr/ppppxppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "piece placement", "bad piece letter 'x'")]
    [InlineData("rnbq1bnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQ - 0 1", "piece placement", "exactly one king")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1", "side to move 'x'", "'w' or 'b'")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQxq - 0 1", "castling 'KQxq'", "bad character 'x'")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBN1 w KQkq - 0 1", "castling 'KQkq'", "'K' but king or rook")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e4 0 1", "en passant 'e4'", "rank 6")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq z9 0 1", "en passant 'z9'", "not a square")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e6 0 1", "en passant 'e6'", "double step")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - -1 1", "halfmove clock '-1'", "non-negative")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 0", "fullmove number '0'", "positive")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 -3", "fullmove number '-3'", "positive")]
    [InlineData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq", "field count '3'", "6 fields")]
    [InlineData("4k3/8/8/8/8/8/8/4R1K1 w - - 0 1", "side to move 'w'", "not to move is in check")]
    [InlineData("4k2P/8/8/8/8/8/8/4K3 w - - 0 1", "piece placement", "last rank")]
    public void BadFenNamesTheField(string fen, string field, string why)
    {
        var e = Assert.Throws<GameRecordException>(() => Position.FromFen(fen));
        Assert.Contains(field, e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void BoardStateProperties()
    {
        var p = Position.Start;
        Assert.Equal(Piece.WhiteKing, p.PieceOnSquare("e1"));
        Assert.Equal(Piece.BlackQueen, p.PieceOnSquare(Squares.Parse("d8")));
        Assert.Equal(Piece.Empty, p.PieceOnSquare("e4"));
        Assert.Equal(CastlingRights.All, p.Castling);
        Assert.False(p.IsCheck);
        Assert.Equal(20, p.LegalMovesUci().Count);
        Assert.Contains("Nf3", p.LegalMovesSan());
        Assert.Contains("g1f3", p.LegalMovesUci());
        Assert.Equal(13, Enum.GetValues<Piece>().Length);

        // After 1.e4 there is no en passant square (no black pawn beside e4); after 1.e4 d5 2.e5 f5 there is.
        p = p.Play(p.ParseSan("e4"));
        Assert.Equal(-1, p.EnPassantSquare);
        foreach (var san in new[] { "d5", "e5", "f5" }) p = p.Play(p.ParseSan(san));
        Assert.Equal(Squares.Parse("f6"), p.EnPassantSquare);
        Assert.Contains("exf6", p.LegalMovesSan());
        Assert.Equal("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3", p.ToFen());

        var mate = Position.FromFen("rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3");
        Assert.True(mate.IsCheck);
        Assert.True(mate.IsCheckmate);
        Assert.Empty(mate.LegalMoves());
        Assert.True(Position.FromFen("7k/5Q2/6K1/8/8/8/8/8 b - - 0 1").IsStalemate);
    }

    [Fact]
    public void UciParsing()
    {
        var p = Position.FromFen("n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1");
        var m = p.ParseUci("g2h1n");
        Assert.Equal(PieceType.Knight, m.Promotion);
        Assert.Equal("g2h1n", m.ToUci());
        var e = Assert.Throws<GameRecordException>(() => p.ParseUci("e2e4"));
        Assert.Contains("'e2e4'", e.Message);
        Assert.Throws<GameRecordException>(() => Move.ParseUci("e2e9"));
    }
}
