using SharpSight.Games.Chess;

namespace SharpSight.Games.Tests.Chess;

public class ChessVocabularyTests
{
    [Fact]
    public void The_vocabulary_is_the_papers_32_characters_in_ascii_order()
    {
        Assert.Equal(ChessVocabulary.Size, ChessVocabulary.Characters.Length);
        Assert.Equal(ChessVocabulary.Characters, new string([.. ChessVocabulary.Characters.Order()]));
        Assert.Equal([15, 6, 4, 27, 9, 0, 27, 10], ChessVocabulary.Encode(";1.e4 e5"));
        Assert.Equal(";1.e4 e5", ChessVocabulary.Decode(ChessVocabulary.Encode(";1.e4 e5")));
    }

    [Fact]
    public void Every_character_maps_to_the_position_read_so_far()
    {
        Position start = Position.Start;
        var moves = Transcript.Parse(";1.e4 e5 2.Nf3 Nc6 3.Bb5");
        (string text, Position[] states) = ChessVocabulary.WithStates(start, moves);
        Assert.Equal(Transcript.Write(moves), text);
        Assert.Equal(text.Length, states.Length);
        Position afterE4 = start.Play(moves[0]), afterE5 = afterE4.Play(moves[1]);
        Assert.Equal(start.ToFen(), states[text.IndexOf("e4", StringComparison.Ordinal) + 1].ToFen());   // '4' of e4: e4 not complete yet
        Assert.Equal(afterE4.ToFen(), states[text.IndexOf(" e5", StringComparison.Ordinal)].ToFen());    // the space after 1.e4
        Assert.Equal(afterE5.ToFen(), states[text.IndexOf(" 2.", StringComparison.Ordinal)].ToFen());
        Assert.Equal(afterE5.ToFen(), states[text.IndexOf("2.", StringComparison.Ordinal) + 1].ToFen()); // the '.' of "2.": white to move
    }

    [Fact]
    public void Characters_outside_the_vocabulary_are_named()
    {
        var error = Assert.Throws<GameRecordException>(() => ChessVocabulary.Encode(";1.e4 {comment}"));
        Assert.Contains("character 6: '{'", error.Message);
    }
}
