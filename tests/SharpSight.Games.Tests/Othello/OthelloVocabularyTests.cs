using SharpSight.Games.Othello;

namespace SharpSight.Games.Tests.Othello;

public class OthelloVocabularyTests
{
    [Fact]
    public void Vocabulary_is_pad_then_the_sixty_playable_squares_in_index_order()
    {
        Assert.Equal(61, OthelloVocabulary.Size);
        Assert.Equal("<pad>", OthelloVocabulary.TokenName(0));
        Assert.Equal("a1", OthelloVocabulary.TokenName(1));
        Assert.Equal("h1", OthelloVocabulary.TokenName(8));
        Assert.Equal("c4", OthelloVocabulary.TokenName(27));
        Assert.Equal("f4", OthelloVocabulary.TokenName(28));
        Assert.Equal("c5", OthelloVocabulary.TokenName(33));
        Assert.Equal("f5", OthelloVocabulary.TokenName(34));
        Assert.Equal("h8", OthelloVocabulary.TokenName(60));
        var names = Enumerable.Range(1, 60).Select(OthelloVocabulary.TokenName).ToList();
        Assert.Equal(60, names.Distinct().Count());
        Assert.DoesNotContain("d4", names);
        Assert.DoesNotContain("e5", names);
        for (int t = 1; t <= 60; t++) Assert.Equal(t, OthelloVocabulary.TokenOf(OthelloVocabulary.SquareOf(t)));
        Assert.Throws<ArgumentOutOfRangeException>(() => OthelloVocabulary.TokenOf(OthelloSquare.Parse("e4")));
    }

    [Fact]
    public void Encode_and_decode_a_transcript()
    {
        var game = OthelloTranscript.Parse("f5d6c4");
        Assert.Equal(new[] { 34, 40, 27 }, OthelloVocabulary.Encode(game)); // f5, d6 (index 43, minus the 4 centre squares, plus 1 = 40), c4
        Assert.Equal(new[] { 34, 40, 27, 0, 0 }, OthelloVocabulary.Encode(game, 5));
        Assert.True(OthelloVocabulary.Decode([34, 40, 27, 0, 0]).SameMoves(game));
        Assert.Equal("tokens, move 2: '<pad>' (token 0) comes before the last move token",
            Assert.Throws<GameRecordException>(() => OthelloVocabulary.Decode([34, 0, 27])).Message);
        Assert.Equal("tokens, move 2: '61' is not a token id (0..60)",
            Assert.Throws<GameRecordException>(() => OthelloVocabulary.Decode([34, 61])).Message);
        Assert.StartsWith("tokens, move 2: 'a1' is illegal",
            Assert.Throws<GameRecordException>(() => OthelloVocabulary.Decode([34, 1])).Message);
    }

    [Fact]
    public void Every_token_position_maps_to_the_board_after_that_move()
    {
        var game = OthelloTranscript.Parse("f5d6c4");
        var states = OthelloVocabulary.StatesAfterEachMove(game);
        Assert.Equal(3, states.Length);

        var first = states[0];
        Assert.Equal(0, first.MoveIndex);
        Assert.Equal(OthelloColor.Black, first.Mover);
        Assert.Equal(OthelloSquare.Bits("e5"), first.Flipped);
        Assert.Equal(OthelloColor.White, first.SideToMove);
        var relative = first.RelativeCells(); // relative to white, who moves next
        Assert.Equal(1, relative.Count(c => c == OthelloRelativeCell.Mine));
        Assert.Equal(4, relative.Count(c => c == OthelloRelativeCell.Theirs));
        Assert.Equal(59, relative.Count(c => c == OthelloRelativeCell.Empty));
        Assert.Equal(OthelloAbsoluteCell.Black, first.AbsoluteCells()[OthelloSquare.Parse("e5")]);
        Assert.Equal(OthelloSquare.Bits("d6", "f6", "f4"), first.LegalMoves);
        Assert.Equal(new[] { OthelloSquare.Parse("e5") }, Enumerable.Range(0, 64).Where(sq => first.FlippedCells()[sq]));

        var second = states[1]; // white d6 flips d5
        Assert.Equal(OthelloColor.White, second.Mover);
        Assert.Equal(OthelloSquare.Bits("d5"), second.Flipped);
        Assert.Equal(OthelloColor.Black, second.SideToMove);
        Assert.Equal(OthelloRelativeCell.Theirs, second.RelativeCells()[OthelloSquare.Parse("d5")]);
        Assert.Equal(OthelloRelativeCell.Mine, second.RelativeCells()[OthelloSquare.Parse("f5")]);

        Assert.Equal(game.Positions().Skip(1), states.Select(s => s.Board));
        Assert.Equal(game.FinalBoard, states[^1].Board);
    }
}
