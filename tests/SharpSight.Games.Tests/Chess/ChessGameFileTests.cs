using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;

namespace SharpSight.Games.Tests.Chess;

public sealed class ChessGameFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sharpsight-chess-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string PathOf(string name) => Path.Combine(folder, name);

    [Theory]
    [InlineData("games.txt")]
    [InlineData("games.txt.gz")]
    public void Games_round_trip_with_their_results(string name)
    {
        var games = ChessRandomGames.Generate(300, seed: 11).ToList();
        string path = PathOf(name);
        Assert.Equal(300, ChessGameFile.Write(path, games));
        var back = ChessGameFile.Read(path).ToList();
        Assert.Equal(games.Select(g => g.Moves), back.Select(g => g.Moves));
        Assert.Equal(games.Select(g => g.Result), back.Select(g => g.Result));
        // Rule endings are found again on reading; the ply cap is not a rule of the board.
        Assert.Equal(games.Select(g => g.Termination == ChessTermination.PlyCap ? ChessTermination.None : g.Termination), back.Select(g => g.Termination));
        if (name.EndsWith(".gz"))
        {
            var plain = PathOf("plain.txt");
            ChessGameFile.Write(plain, games);
            Assert.True(new FileInfo(path).Length * 2 < new FileInfo(plain).Length, "gzip should halve random transcripts at least");
        }
        else
        {
            string[] lines = File.ReadAllLines(path);
            Assert.Equal(games[0].ToTranscript() + " " + games[0].Result, lines[0]);
            Assert.All(lines, l => Assert.Matches(@"^;1\.[A-Za-z].* (1-0|0-1|1/2-1/2|\*)$", l));
        }
    }

    [Fact]
    public void The_transcript_is_the_chess_gpt_format()
    {
        var moves = Transcript.Parse("1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 4. O-O");
        var game = new ChessGame(moves, "*");
        Assert.Equal(";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.O-O", ChessGameFile.FormatLine(game, result: false));
        Assert.Equal(";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.O-O *", ChessGameFile.FormatLine(game));
        Assert.Equal(ChessVocabulary.Decode(ChessVocabulary.Encode(game.ToTranscript())), game.ToTranscript());
    }

    [Fact]
    public void Without_results_the_board_decides()
    {
        var mate = new ChessGame(Transcript.Parse("1. f3 e5 2. g4 Qh4#"), "0-1", ChessTermination.Checkmate);
        var open = new ChessGame(Transcript.Parse("1. d4 d5"), "1-0");
        string path = PathOf("bare.txt");
        ChessGameFile.Write(path, [mate, open], results: false);
        Assert.Equal([";1.f3 e5 2.g4 Qh4#", ";1.d4 d5"], File.ReadAllLines(path));
        var back = ChessGameFile.Read(path).ToList();
        Assert.Equal(("0-1", ChessTermination.Checkmate), (back[0].Result, back[0].Termination));
        Assert.Equal(("*", ChessTermination.None), (back[1].Result, back[1].Termination));
    }

    [Fact]
    public void Reading_streams_line_by_line()
    {
        // A reader that fails once asked for its third line: the first two games arrive before that.
        var reader = new FailingAfter(2, ";1.e4 e5 1-0\n;1.d4 *\n;1.c4 *\n");
        using var games = ChessGameFile.Read(reader, "stream").GetEnumerator();
        Assert.True(games.MoveNext());
        Assert.Equal("e2e4 e7e5", string.Join(' ', games.Current.Moves));
        Assert.True(games.MoveNext());
        Assert.Equal("d2d4", string.Join(' ', games.Current.Moves));
        Assert.Throws<InvalidOperationException>(() => games.MoveNext());
    }

    [Theory]
    [InlineData(";1.e4 e5 2.Ke3 *", "bad.txt line 3: move 2 (white) 'Ke3': illegal")]
    [InlineData(";1.e4 e5 2.Nf3 Nf6 3.Nxe5 Qxe5 *", "bad.txt line 3: move 3 (black) 'Qxe5': illegal")]
    [InlineData("1.e4 e5 *", "bad.txt line 3: '1.e4 e5 *' does not start with ';'")]
    [InlineData(";1.e4 e5 2.N@f3", "bad.txt line 3: move 2 (white) 'N@f3': unexpected character '@'")]
    [InlineData(";1.e4 e5 1-0 2.Nf3", "bad.txt line 3: 'Nf3' after the end of the game")]
    [InlineData(";1.f3 e5 2.g4 Qh4# 1-0", "bad.txt line 3: result '1-0' after 4 plies contradicts the board (checkmate, so 0-1)")]
    [InlineData(";1.e4 e5 2.Qh5 Nc6 3.Bc4 Nf6 4.Qxf7# Ke7", "bad.txt line 3: move 4 (black) 'Ke7': illegal")]
    public void A_bad_line_names_the_file_line_move_and_text(string line, string expected)
    {
        string path = PathOf("bad.txt");
        File.WriteAllText(path, ";1.e4 e5 1-0\n\n" + line + "\n;1.d4 *\n");
        var e = Assert.Throws<GameRecordException>(() => ChessGameFile.Read(path).ToList());
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // The games before the bad line are delivered.
        Assert.Single(ChessGameFile.Read(path).Take(1));
    }

    [Fact]
    public void Damaged_gzip_is_a_game_record_error()
    {
        string path = PathOf("broken.txt.gz");
        ChessGameFile.Write(path, ChessRandomGames.Generate(50, seed: 1));
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<GameRecordException>(() => ChessGameFile.Read(path).ToList());
        Assert.StartsWith("broken.txt.gz", e.Message);
    }

    [Fact]
    public void Writes_are_atomic()
    {
        string path = PathOf("kept.txt");
        ChessGameFile.Write(path, [new ChessGame(Transcript.Parse("1. e4"), "*")]);
        Assert.Throws<InvalidOperationException>(() => ChessGameFile.Write(path, Failing()));
        Assert.Equal([";1.e4 *"], File.ReadAllLines(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void A_game_needs_a_pgn_result()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChessGame([], "2-0"));
        Assert.StartsWith("result '2-0' is not one of 1-0, 0-1, 1/2-1/2, *", e.Message);
    }

    private static IEnumerable<ChessGame> Failing()
    {
        yield return new ChessGame(Transcript.Parse("1. d4"), "*");
        throw new InvalidOperationException("source failed");
    }

    private sealed class FailingAfter(int lines, string text) : TextReader
    {
        private readonly StringReader inner = new(text);
        private int read;

        public override string? ReadLine() =>
            ++read > lines ? throw new InvalidOperationException("read too far: the reader is not streaming") : inner.ReadLine();
    }
}
