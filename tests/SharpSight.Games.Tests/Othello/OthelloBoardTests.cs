using SharpSight.Games.Othello;

namespace SharpSight.Games.Tests.Othello;

public class OthelloBoardTests
{
    private static ulong Bits(params string[] names) => OthelloSquare.Bits(names);

    [Fact]
    public void Square_names_follow_file_then_rank()
    {
        Assert.Equal(0, OthelloSquare.Parse("a1"));
        Assert.Equal(7, OthelloSquare.Parse("h1"));
        Assert.Equal(37, OthelloSquare.Parse("f5"));
        Assert.Equal(63, OthelloSquare.Parse("H8"));
        Assert.Equal("f5", OthelloSquare.Name(37));
        for (int sq = 0; sq < 64; sq++) Assert.Equal(sq, OthelloSquare.Parse(OthelloSquare.Name(sq)));
        Assert.False(OthelloSquare.TryParse("z9", out _));
        Assert.False(OthelloSquare.TryParse("a0", out _));
        Assert.False(OthelloSquare.TryParse("i1", out _));
        Assert.False(OthelloSquare.TryParse("a", out _));
    }

    [Fact]
    public void Start_position_has_the_standard_discs_and_properties()
    {
        var start = OthelloBoard.Start;
        Assert.Equal(OthelloColor.Black, start.SideToMove);
        Assert.Equal(Bits("d5", "e4"), start.Black);
        Assert.Equal(Bits("d4", "e5"), start.White);
        Assert.Equal(new[] { "d3", "c4", "f5", "e6" }.OrderBy(OthelloSquare.Parse), OthelloSquare.ToNames(start.LegalMoves));
        Assert.Equal(Bits("e5"), start.FlipsOf(OthelloSquare.Parse("f5")));
        Assert.Equal(Bits("d4"), start.FlipsOf(OthelloSquare.Parse("d3")));
        Assert.Equal(0UL, start.FlipsOf(OthelloSquare.Parse("e3")));
        Assert.Equal(0UL, start.FlipsOf(OthelloSquare.Parse("d4")));

        var relative = start.RelativeCells();
        Assert.Equal(2, relative.Count(c => c == OthelloRelativeCell.Mine));
        Assert.Equal(2, relative.Count(c => c == OthelloRelativeCell.Theirs));
        Assert.Equal(60, relative.Count(c => c == OthelloRelativeCell.Empty));
        Assert.Equal(OthelloRelativeCell.Mine, relative[OthelloSquare.Parse("d5")]);
        Assert.Equal(OthelloRelativeCell.Theirs, relative[OthelloSquare.Parse("d4")]);
        var absolute = start.AbsoluteCells();
        Assert.Equal(OthelloAbsoluteCell.Black, absolute[OthelloSquare.Parse("e4")]);
        Assert.Equal(OthelloAbsoluteCell.White, absolute[OthelloSquare.Parse("e5")]);
        Assert.Equal(4, start.LegalMoveCells().Count(b => b));
        Assert.False(start.MustPass);
        Assert.False(start.IsGameOver);
    }

    [Fact]
    public void Playing_f5_flips_e5_and_hands_the_move_to_white()
    {
        var after = OthelloBoard.Start.Play(OthelloSquare.Parse("f5"));
        Assert.Equal(OthelloColor.White, after.SideToMove);
        Assert.Equal(Bits("d5", "e5", "f5", "e4"), after.Black);
        Assert.Equal(Bits("d4"), after.White);
        Assert.Equal(4, after.BlackCount);
        Assert.Equal(1, after.WhiteCount);
        // Relative to white (to move): white's d4 is "mine".
        Assert.Equal(OthelloRelativeCell.Mine, after.RelativeCells()[OthelloSquare.Parse("d4")]);
        Assert.Equal(OthelloRelativeCell.Theirs, after.RelativeCells()[OthelloSquare.Parse("f5")]);
        Assert.Equal(new[] { "d6", "f6", "f4" }.Select(OthelloSquare.Parse).Order(), OthelloSquare.ToSquares(after.LegalMoves));
        Assert.Throws<InvalidOperationException>(() => OthelloBoard.Start.Play(OthelloSquare.Parse("a1")));
        Assert.Throws<InvalidOperationException>(() => OthelloBoard.Start.Pass());
    }

    [Fact]
    public void Moves_do_not_wrap_around_the_board_edges()
    {
        // Black h4, white a5 (the square after h4 in index order) and b5: no horizontal wrap, so black cannot play c5.
        var board = OthelloBoard.FromColors(Bits("h4"), Bits("a5", "b5"), OthelloColor.Black);
        Assert.Equal(0UL, board.LegalMoves);
        // Black a4, white h3, g3 (wrap the other way, and diagonally): nothing legal.
        board = OthelloBoard.FromColors(Bits("a4"), Bits("h3", "g3", "h4", "g4"), OthelloColor.Black);
        Assert.Equal(0UL, board.LegalMoves);
        // A real diagonal: black a1, white b2, c3 → d4 flips both.
        board = OthelloBoard.FromColors(Bits("a1"), Bits("b2", "c3"), OthelloColor.Black);
        Assert.Equal(Bits("d4"), board.LegalMoves);
        Assert.Equal(Bits("b2", "c3"), board.FlipsOf(OthelloSquare.Parse("d4")));
    }

    [Fact]
    public void A_player_without_a_move_must_pass_and_the_game_ends_when_neither_can_move()
    {
        // Hand-checked: black a1, white b1; black to move plays c1 (flips b1). White then has no disc: game over.
        var board = OthelloBoard.FromColors(Bits("a1"), Bits("b1"), OthelloColor.Black);
        Assert.Equal(Bits("c1"), board.LegalMoves);
        var after = board.Play(OthelloSquare.Parse("c1"));
        Assert.True(after.IsGameOver);
        Assert.Equal(OthelloOutcome.BlackWins, after.Outcome);

        // Hand-checked pass: black a2, a3 against white a1 in the corner.
        var blackToMove = OthelloBoard.FromColors(Bits("a2", "a3"), Bits("a1"), OthelloColor.Black);
        // Black a2, a3 against white a1 at the edge: nothing can bracket a1, so black must pass; white can play a4 (flips a2, a3).
        Assert.Equal(0UL, blackToMove.LegalMoves);
        Assert.True(blackToMove.MustPass);
        Assert.False(blackToMove.IsGameOver);
        var white = blackToMove.Pass();
        Assert.Equal(OthelloColor.White, white.SideToMove);
        Assert.Equal(Bits("a4"), white.LegalMoves);
        Assert.Equal(Bits("a2", "a3"), white.FlipsOf(OthelloSquare.Parse("a4")));
        var end = white.Play(OthelloSquare.Parse("a4"));
        Assert.True(end.IsGameOver);
        Assert.Equal(OthelloOutcome.WhiteWins, end.Outcome);
        Assert.Equal(4, end.WhiteCount);
    }

    [Theory]
    [InlineData(1, 4L)]
    [InlineData(2, 12L)]
    [InlineData(3, 56L)]
    [InlineData(4, 244L)]
    [InlineData(5, 1396L)]
    [InlineData(6, 8200L)]
    [InlineData(7, 55092L)]
    [InlineData(8, 390216L)]
    [InlineData(9, 3005288L)]
    [InlineData(10, 24571284L)]
    public void Perft_from_the_start_matches_the_published_counts(int depth, long expected)
    {
        Assert.Equal(expected, OthelloPerft.Count(OthelloBoard.Start, depth));
    }

    [Fact]
    public void Perft_counts_a_pass_as_a_move_and_a_double_pass_as_the_end()
    {
        var blackMustPass = OthelloBoard.FromColors(Bits("a2", "a3"), Bits("a1"), OthelloColor.Black);
        Assert.Equal(1, OthelloPerft.Count(blackMustPass, 1)); // the pass
        Assert.Equal(1, OthelloPerft.Count(blackMustPass, 2)); // pass, a4
        Assert.Equal(1, OthelloPerft.Count(blackMustPass, 5)); // pass, a4, then the game is over: one leaf
        Assert.Equal(1, OthelloPerft.Count(blackMustPass, 0));
    }
}
