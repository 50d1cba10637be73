using SharpSight.Evals.Dictionaries.Board;
using SharpSight.Games.Chess;
using SharpSight.Games.Othello;

namespace SharpSight.Evals.Tests.Dictionaries.Board;

public class BoardPropertiesTests
{
    private static HashSet<string> TrueNames(BoardProperties properties, int row)
    {
        bool[] flags = properties.Values.data<bool>().ToArray();
        return [.. Enumerable.Range(0, properties.Count).Where(g => flags[row * properties.Count + g]).Select(g => properties.Names[g])];
    }

    [Fact]
    public void Othello_properties_follow_the_player_to_move_next()
    {
        // Black f5, then white d6.
        OthelloGame game = OthelloGame.FromMoves([OthelloSquare.Parse("f5"), OthelloSquare.Parse("d6")]);
        using BoardProperties properties = OthelloBoardProperties.For([game]);
        Assert.Equal(2, properties.Positions);
        Assert.Equal(256, properties.Count);
        Assert.Equal(["mine", "theirs", "empty", "legal"], properties.GroupNames);
        Assert.Equal("mine a1", properties.Names[0]);
        Assert.Equal("legal h8", properties.Names[255]);
        Assert.Equal(128, properties.Scored.Count(s => s));
        Assert.All(Enumerable.Range(0, 256), g => Assert.Equal(properties.Groups[g] is "mine" or "theirs", properties.Scored[g]));
        Assert.Equal(192, properties.CoverageSlots);   // the original's mine / yours / blank one-hot, blank counted

        // After f5 (e5 flipped) white moves next: white owns d4; black owns d5, e4, e5, f5; white may play d6, f4, f6.
        HashSet<string> first = TrueNames(properties, 0);
        Assert.Subset(first, new HashSet<string> { "mine d4", "theirs d5", "theirs e4", "theirs e5", "theirs f5", "legal d6", "legal f4", "legal f6" });
        Assert.Equal(1 + 4 + 59 + 3, first.Count);
        Assert.Contains("empty d6", first);
        Assert.DoesNotContain("empty e5", first);

        // After d6 (d5 flipped) black moves next: black owns e4, e5, f5; white owns d4, d5, d6.
        HashSet<string> second = TrueNames(properties, 1);
        Assert.Subset(second, new HashSet<string> { "mine e4", "mine e5", "mine f5", "theirs d4", "theirs d5", "theirs d6" });
        Assert.Equal(3, second.Count(n => n.StartsWith("mine", StringComparison.Ordinal)));
        Assert.Equal(3, second.Count(n => n.StartsWith("theirs", StringComparison.Ordinal)));
    }

    [Fact]
    public void Chess_is_read_at_the_dots_with_the_position_at_that_character()
    {
        PgnGame game = Transcript.ParseGame(";1.e4 e5 2.Nf3");
        ChessReadPoints points = ChessBoardProperties.ReadPoints(game, contextWidth: 64);
        Assert.Equal(";1.e4 e5 2.Nf3", points.Transcript);
        Assert.Equal([2, 10], points.Indices);
        Assert.Equal([2], ChessBoardProperties.ReadPoints(game, contextWidth: 10).Indices);   // the second '.' is outside a 10-character window

        using BoardProperties properties = ChessBoardProperties.For([game], 64);
        Assert.Equal(2, properties.Positions);
        Assert.Equal(13 * 64, properties.Count);
        Assert.Equal(12 * 64, properties.Scored.Count(s => s));
        Assert.Equal(12 * 64, properties.CoverageSlots);   // the original drops the blank class of its chess one-hot
        Assert.False(properties.Scored[ChessBoardProperties.Index(Piece.Empty, 0)]);

        // The start position: 32 pieces and 32 empty squares, one property per square.
        HashSet<string> start = TrueNames(properties, 0);
        Assert.Equal(64, start.Count);
        Assert.Subset(start, new HashSet<string>
        {
            "white_rook a1", "white_knight b1", "white_bishop c1", "white_queen d1", "white_king e1", "white_rook h1",
            "white_pawn a2", "white_pawn e2", "white_pawn h2", "black_pawn e7", "black_queen d8", "black_king e8", "black_rook h8",
            "empty e4", "empty a3", "empty h6",
        });
        Assert.Equal(8, start.Count(n => n.StartsWith("white_pawn", StringComparison.Ordinal)));
        Assert.Equal(32, start.Count(n => n.StartsWith("empty", StringComparison.Ordinal)));

        // At "2." White's e-pawn is on e4 and Black's on e5.
        HashSet<string> second = TrueNames(properties, 1);
        Assert.Contains("white_pawn e4", second);
        Assert.Contains("black_pawn e5", second);
        Assert.Contains("empty e2", second);
        Assert.DoesNotContain("white_pawn e2", second);
    }

    [Fact]
    public void Bad_property_shapes_are_one_line_argument_errors()
    {
        string message = Assert.Throws<ArgumentException>(() => BoardProperties.FromFlags(["a", "b"], ["A", "B"], [true, true], new bool[5], 2)).Message;
        Assert.Equal("flags has 5 entries, expected 2 positions x 2 properties", message);
        Assert.Equal("scored has 1 entries, names has 2",
            Assert.Throws<ArgumentException>(() => BoardProperties.FromFlags(["a", "b"], ["A", "B"], [true], new bool[4], 2)).Message);
    }
}
