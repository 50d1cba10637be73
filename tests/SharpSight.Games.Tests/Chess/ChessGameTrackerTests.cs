using SharpSight.Games.Chess;

namespace SharpSight.Games.Tests.Chess;

public class ChessGameTrackerTests
{
    private static ChessGameTracker After(string fen, string sanMoves = "")
    {
        var game = new ChessGameTracker(Position.FromFen(fen));
        foreach (string san in sanMoves.Split(' ', StringSplitOptions.RemoveEmptyEntries)) game.Play(game.Position.ParseSan(san));
        return game;
    }

    [Theory]
    // Checkmate: fool's mate, a back-rank mate, a smothered mate.
    [InlineData(Position.StartFen, "f3 e5 g4 Qh4#", ChessTermination.Checkmate, "0-1")]
    [InlineData("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", "Ra8#", ChessTermination.Checkmate, "1-0")]
    [InlineData("6rk/6pp/8/6N1/8/8/8/6K1 w - - 0 1", "Nf7#", ChessTermination.Checkmate, "1-0")]
    // Stalemate: the classic queen stalemate; a king and pawn ending.
    [InlineData("7k/8/6Q1/8/8/8/8/6K1 b - - 0 1", "", ChessTermination.Stalemate, "1/2-1/2")]
    [InlineData("k7/8/2K5/8/8/8/8/1Q6 w - - 0 1", "Qb6", ChessTermination.Stalemate, "1/2-1/2")]
    [InlineData("7k/7P/6K1/8/8/8/8/8 b - - 0 1", "", ChessTermination.Stalemate, "1/2-1/2")]
    // Insufficient material: bare kings, one minor piece, bishops all on one colour; enough: a pawn, two knights, opposite bishops.
    [InlineData("8/8/4k3/8/8/3K4/8/8 w - - 0 1", "", ChessTermination.InsufficientMaterial, "1/2-1/2")]
    [InlineData("8/8/4k3/8/8/3K4/8/4qN2 w - - 0 1", "Nd2 Qxd2+ Kxd2", ChessTermination.InsufficientMaterial, "1/2-1/2")]
    [InlineData("8/8/4k3/8/8/3KB3/8/8 w - - 0 1", "", ChessTermination.InsufficientMaterial, "1/2-1/2")]
    [InlineData("8/8/4k3/8/8/3K1B2/b7/8 w - - 0 1", "", ChessTermination.InsufficientMaterial, "1/2-1/2")]
    [InlineData("8/8/4k3/8/3b4/3K1B2/8/8 w - - 0 1", "", ChessTermination.None, "*")]
    [InlineData("8/8/4k3/8/8/3KN3/8/6N1 w - - 0 1", "", ChessTermination.None, "*")]
    [InlineData("8/8/4k3/8/8/3K4/4P3/8 w - - 0 1", "", ChessTermination.None, "*")]
    // Fifty-move rule: the hundredth quiet ply ends the game; a pawn move resets the count; a mate on that ply still wins.
    [InlineData("8/8/4k3/8/8/3K4/4P3/7R w - - 99 80", "Rh2", ChessTermination.FiftyMoveRule, "1/2-1/2")]
    [InlineData("8/8/4k3/8/8/3K4/4P3/7R w - - 98 80", "Rh2", ChessTermination.None, "*")]
    [InlineData("8/8/4k3/8/8/3K4/4P3/7R w - - 99 80", "e4", ChessTermination.None, "*")]
    [InlineData("6k1/5ppp/8/8/8/8/8/R5K1 w - - 99 80", "Ra8#", ChessTermination.Checkmate, "1-0")]
    // Threefold repetition: the start position a third time after two knight round trips, not after one.
    [InlineData(Position.StartFen, "Nf3 Nf6 Ng1 Ng8 Nf3 Nf6 Ng1 Ng8", ChessTermination.ThreefoldRepetition, "1/2-1/2")]
    [InlineData(Position.StartFen, "Nf3 Nf6 Ng1 Ng8 Nf3 Nf6 Ng1", ChessTermination.None, "*")]
    [InlineData(Position.StartFen, "Nf3 Nf6 Ng1 Ng8", ChessTermination.None, "*")]
    // Lost castling rights make the "same" board a different position: Rg1 Rh1 leaves the rook home but the right gone.
    [InlineData("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "Rg1 Kd8 Rh1 Ke8 Rg1 Kd8 Rh1 Ke8", ChessTermination.None, "*")]
    [InlineData("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "Rg1 Kd8 Rh1 Ke8 Rg1 Kd8 Rh1 Ke8 Rg1 Kd8 Rh1 Ke8", ChessTermination.ThreefoldRepetition, "1/2-1/2")]
    // An en passant right counts only when the capture is legal: here exd6 would expose the king to the rook on h5.
    [InlineData("4k3/8/8/K2pP2r/8/8/8/8 w - d6 0 2", "Ka4 Kf8 Ka5 Ke8 Ka4 Kf8 Ka5 Ke8", ChessTermination.ThreefoldRepetition, "1/2-1/2")]
    [InlineData("4k3/8/8/K2pP3/8/8/8/8 w - d6 0 2", "Ka4 Kf8 Ka5 Ke8 Ka4 Kf8 Ka5 Ke8", ChessTermination.None, "*")]
    public void Rules_end_the_game(string fen, string moves, ChessTermination expected, string result)
    {
        var game = After(fen, moves);
        Assert.Equal(expected, game.Termination);
        Assert.Equal(result, ChessResults.Of(game.Termination, game.Position.SideToMove));
        Assert.Equal(result, game.ToGame(game.Termination).Result);
    }

    [Fact]
    public void Occurrences_count_repeated_positions()
    {
        var game = After(Position.StartFen);
        Assert.Equal(1, game.Occurrences);
        string[] shuffle = ["Nf3", "Nf6", "Ng1", "Ng8"];
        for (int round = 1; round <= 3; round++)
        {
            foreach (string san in shuffle) game.Play(game.Position.ParseSan(san));
            Assert.Equal(round + 1, game.Occurrences);
        }
        game.Play(game.Position.ParseSan("e4")); // irreversible: nothing before it can come back
        Assert.Equal(1, game.Occurrences);
        Assert.Equal(13, game.Moves.Count);
    }
}
