using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Chess;

public sealed class ChessGameImportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sharpsight-chess-import-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("datasets/chess/master_games/Fischer.pgn", 827, 67_340)]
    [InlineData("datasets/chess/master_games/Tal.pgn", 2431, 173_402)]
    [InlineData("datasets/chess/chess_gpt_eval/stockfish_testing.csv", 555, 71_345)]
    [InlineData("datasets/chess/chess_gpt_eval/games.csv", 310, 20_511)]
    public void Shared_collections_import_and_round_trip(string file, int games, int plies)
    {
        var imported = ChessGameImport.FromFile(SharedData.Path(file)).ToList();
        Assert.Equal(games, imported.Count);
        Assert.Equal(plies, imported.Sum(g => g.Moves.Count));
        string path = Path.Combine(folder, "imported.txt");
        Assert.Equal(games, ChessGameFile.Write(path, imported));
        var back = ChessGameFile.Read(path).ToList();
        Assert.Equal(imported.Select(g => g.Moves), back.Select(g => g.Moves));
        Assert.Equal(imported.Select(g => g.Result), back.Select(g => g.Result));
        output.WriteLine($"{file}: {games} games, {plies} plies, {new FileInfo(path).Length:N0} bytes; " +
            string.Join(", ", imported.GroupBy(g => g.Result).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
    }

    [Fact]
    public void Csv_results_come_from_the_result_column()
    {
        // games.csv puts the same prompt header, with [Result "1-0"], before every game; the column has the real result.
        string file = SharedData.Path("datasets/chess/chess_gpt_eval/stockfish_testing.csv");
        using var reader = new StreamReader(file);
        var rows = Csv.Read(reader, "stockfish_testing.csv").Skip(1).ToList();
        var games = ChessGameImport.FromCsv(file).ToList();
        Assert.Equal(rows.Select(r => r.Fields[2]), games.Select(g => g.Result));
        // Its first game ends 49.Be8#: mate, so the reader finds the termination too.
        Assert.Equal(ChessTermination.Checkmate, games[0].Termination);
        Assert.Equal("1-0", games[0].Result);
    }

    [Fact]
    public void A_bad_move_in_a_csv_cell_names_the_file_line()
    {
        string path = Path.Combine(folder, "bad.csv");
        File.WriteAllText(path, "game_id,transcript,result\n1,\"[White \"\"A\"\"]\n\n1.e4 e5 2.Nf3 Nc6\",*\n2,\"[White \"\"B\"\"]\n\n1.e4 e5\n2.Ke3\",*\n");
        var e = Assert.Throws<GameRecordException>(() => ChessGameImport.FromCsv(path).ToList());
        Assert.StartsWith("bad.csv line 8: move 2 (white) 'Ke3': illegal", e.Message);
    }

    [Theory]
    [InlineData("x.csv", "id,moves\n1,1.e4\n", "x.csv line 1: no 'transcript' column (columns: id, moves)")]
    [InlineData("x.csv", "id,transcript\n1,1.e4,extra\n", "x.csv line 2: 3 fields, the header has 2")]
    [InlineData("x.csv", "id,transcript\n1,\"1.e4\n", "x.csv line 2: the file ends inside the quoted field opened here")]
    [InlineData("x.pgn", "[FEN \"8/8/4k3/8/8/3K4/4P3/8 w - - 0 1\"]\n\n1. e4 *\n", "x.pgn game 1: starts from a set-up position")]
    [InlineData("x.pgn", "1. e4 e5 *\n\n1. f3 e5 2. g4 Qh4# 1-0\n", "x.pgn game 2: result '1-0' after 4 plies contradicts the board")]
    [InlineData("x.pgn", "1. e4 e5 *\n\n1. e4 e5 2. Ke3 *\n", "x.pgn game 2 line 3: move 2 (white) 'Ke3'")]
    public void Bad_collections_give_one_line_errors(string name, string text, string expected)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        var e = Assert.Throws<GameRecordException>(() => ChessGameImport.FromFile(path).ToList());
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Unknown_extensions_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ChessGameImport.FromFile("games.json"));
        Assert.Equal("'games.json': cannot import '.json' files (expected .pgn or .csv)", e.Message);
    }

    [Fact]
    public void Csv_rows_keep_quotes_commas_line_breaks_and_lines()
    {
        var rows = Csv.Read(new StringReader("a,b\n1,\"x, \"\"y\"\"\nz\"\n\n2,w"), "t").ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(["1", "x, \"y\"\nz"], rows[1].Fields);
        Assert.Equal([2, 2], rows[1].FieldLines);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(4, rows[2].Line);
        Assert.Equal(["2", "w"], rows[3].Fields);
        Assert.Equal(5, rows[3].Line);
    }

    [Fact]
    public void Opening_tables_report_bad_lines()
    {
        var e = Assert.Throws<GameRecordException>(() => ChessOpenings.Read(new StringReader("eco\tname\tpgn\nA00\tok\t1. e4\nB00\tbad\t1. e4 e5 2. Ke3\n"), "t.tsv"));
        Assert.StartsWith("t.tsv line 3: move 2 (white) 'Ke3'", e.Message);
        e = Assert.Throws<GameRecordException>(() => ChessOpenings.Read(new StringReader("eco,name,pgn\n"), "t.tsv"));
        Assert.StartsWith("t.tsv line 1: header 'eco,name,pgn' is not 'eco<TAB>name<TAB>pgn'", e.Message);
        e = Assert.Throws<GameRecordException>(() => ChessOpenings.Read(new StringReader("eco\tname\tpgn\nA00\t1. e4\n"), "t.tsv"));
        Assert.Equal("t.tsv line 2: 2 tab-separated fields, expected 3 (eco, name, pgn)", e.Message);
    }
}
