using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;

namespace SharpSight.Cli.Tests;

public sealed class ChessGamesCommandTests : CliHarness
{
    private static string Shared(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/data/{relative} not found beside the checkout");
    }

    [Fact]
    public void Generate_chess_writes_seeded_random_transcripts()
    {
        string path = Path.Combine(Home, "random.txt");
        var (code, output, error) = Run("games", "generate", "chess", "--count", "200", "--seed", "3", "--out", path);
        Assert.True(code == 0, error);
        Assert.StartsWith($"wrote 200 games to {path} (", output);
        Assert.Contains("games/s; random)", output);
        Assert.Matches(@"\nendings: checkmate \d+, .*insufficient material \d+", output);
        var expected = ChessRandomGames.Generate(200, 3).ToList();
        var written = ChessGameFile.Read(path).ToList();
        Assert.Equal(expected.Select(g => g.ToTranscript()), written.Select(g => g.ToTranscript()));
        Assert.Equal(expected.Select(g => g.Result), written.Select(g => g.Result));
    }

    [Fact]
    public void Generate_chess_starts_games_from_an_opening_table()
    {
        string table = Shared("datasets/chess/lichess-openings");
        string path = Path.Combine(Home, "openings.txt.gz");
        var (code, output, error) = Run("games", "generate", "chess", "--count", "30", "--openings", table, "--max-plies", "40", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains("openings)", output);
        var openings = ChessOpenings.Read(table);
        var games = ChessGameFile.Read(path).ToList();
        Assert.Equal(30, games.Count);
        Assert.All(games, g => Assert.Contains(openings, o => g.Moves.Take(o.Moves.Count).SequenceEqual(o.Moves)));
        Assert.All(games, g => Assert.True(g.Moves.Count <= Math.Max(40, openings.Max(o => o.Moves.Count))));
    }

    [Fact]
    public void Generate_chess_with_stockfish_is_reproducible_with_a_node_limit()
    {
        string first = Path.Combine(Home, "engine1.txt"), second = Path.Combine(Home, "engine2.txt");
        string[] args = ["games", "generate", "chess", "--source", "stockfish", "--count", "2", "--seed", "9", "--nodes", "1000", "--random-plies", "2..4", "--max-plies", "80"];
        var (code, output, error) = Run([.. args, "--out", first]);
        Assert.True(code == 0, error);
        Assert.Contains($"wrote 2 games to {first}", output);
        Assert.Contains("; /usr/games/stockfish, nodes 1000, skill 20, 2..4 random plies)", output);
        (code, _, error) = Run([.. args, "--out", second]);
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
        Assert.All(ChessGameFile.Read(first), g => Assert.True(g.Moves.Count <= 80));
    }

    [Fact]
    public void Import_chess_converts_master_games_and_chess_gpt_csv()
    {
        string path = Path.Combine(Home, "masters.txt");
        var (code, output, error) = Run("games", "import", "chess",
            "--pgn", Shared("datasets/chess/master_games/Fischer.pgn"), Shared("datasets/chess/master_games/Tal.pgn"),
            "--csv", Shared("datasets/chess/chess_gpt_eval/stockfish_testing.csv"), "--out", path);
        Assert.True(code == 0, error);
        Assert.StartsWith("imported 3813 games (312,087 plies) from Fischer.pgn (827), Tal.pgn (2431), stockfish_testing.csv (555)\n", output);
        Assert.Contains($"wrote {path} (", output);
        Assert.Equal(3813, ChessGameFile.Read(path).Count());
        Assert.StartsWith(";1.", File.ReadLines(path).First());
    }

    [Fact]
    public void Import_reports_a_bad_game_by_file_and_line()
    {
        string pgn = Path.Combine(Home, "bad.pgn");
        File.WriteAllText(pgn, "[Event \"a\"]\n\n1. e4 e5 *\n\n[Event \"b\"]\n\n1. e4 e5 2. Ke3 *\n");
        string path = Path.Combine(Home, "out.txt");
        var (code, _, error) = Run("games", "import", "chess", "--pgn", pgn, "--out", path);
        Assert.Equal(1, code);
        Assert.Equal("error: bad.pgn game 2 line 7: move 2 (white) 'Ke3': illegal: no legal king move to e3 in rnbqkbnr/pppp1ppp/8/4p3/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 2\n", error);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(new[] { "games", "generate", "chess", "--source", "lc0" }, "--source 'lc0' is not one of random, stockfish")]
    [InlineData(new[] { "games", "generate", "chess", "--nodes", "5" }, "--nodes applies to --source stockfish, not random")]
    [InlineData(new[] { "games", "generate", "othello", "--source", "random" }, "--source is a chess option; it does not apply to othello")]
    [InlineData(new[] { "games", "generate", "chess", "--source", "stockfish", "--depth", "2", "--nodes", "5" }, "give --depth or --nodes, not both")]
    [InlineData(new[] { "games", "generate", "chess", "--source", "stockfish", "--depth", "0" }, "search depth 0 is outside 1..100")]
    [InlineData(new[] { "games", "generate", "chess", "--source", "stockfish", "--engine", "/no/such/engine" }, "chess engine '/no/such/engine' not found")]
    [InlineData(new[] { "games", "generate", "chess", "--source", "stockfish", "--skill", "25" }, "skill level 25 is outside 0..20")]
    [InlineData(new[] { "games", "generate", "chess", "--source", "stockfish", "--random-plies", "four" }, "--random-plies 'four' is not N or MIN..MAX")]
    [InlineData(new[] { "games", "generate", "chess", "--max-plies", "0" }, "--max-plies must be positive, got 0")]
    [InlineData(new[] { "games", "generate", "chess", "--openings", "/no/such/openings.tsv" }, "opening table '/no/such/openings.tsv' not found")]
    [InlineData(new[] { "games", "generate", "go" }, "game 'go' is not one of othello, chess")]
    [InlineData(new[] { "games", "import", "chess" }, "nothing to import: give --pgn FILE... and/or --csv FILE...")]
    [InlineData(new[] { "games", "import", "othello", "--pgn", "x.pgn" }, "game 'othello' is not one of chess")]
    [InlineData(new[] { "games", "import", "chess", "--pgn", "/no/such/games.pgn" }, "'/no/such/games.pgn' not found")]
    public void Bad_options_give_one_line(string[] args, string expected)
    {
        string path = Path.Combine(Home, "never.txt");
        var (code, _, error) = Run([.. args, "--out", path]);
        Assert.Equal(1, code);
        Assert.StartsWith("error: " + expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(path));
    }
}
