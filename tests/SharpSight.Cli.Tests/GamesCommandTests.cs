using SharpSight.Games.Othello;

namespace SharpSight.Cli.Tests;

public sealed class GamesCommandTests : CliHarness
{
    [Theory]
    [InlineData(new[] { "games", "perft", "othello", "6" }, "perft(6) = 8200")]
    [InlineData(new[] { "games", "perft", "chess", "3" }, "perft(3) = 8902")]
    [InlineData(new[] { "games", "perft", "chess", "2", "--fen", "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1" }, "perft(2) = 2039")]
    public void Perft_prints_the_node_count_and_rate(string[] args, string expected)
    {
        var (code, output, error) = Run(args);
        Assert.True(code == 0, error);
        Assert.StartsWith(expected, output);
        Assert.Contains("nodes/s", output);
    }

    [Fact]
    public void Generate_writes_a_compact_dataset_that_reads_back()
    {
        string path = Path.Combine(Home, "games.bin");
        var (code, output, error) = Run("games", "generate", "othello", "--count", "500", "--seed", "3", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains("wrote 500 games", output);
        Assert.Equal(500, OthelloGameFile.Read(path).Count());
        Assert.Equal(OthelloRandomGames.Generate(500, 3).Select(OthelloTranscript.Write), OthelloGameFile.Read(path).Select(OthelloTranscript.Write));
    }

    [Theory]
    [InlineData(new[] { "games", "perft", "go", "3" }, "game 'go' is not one of othello, chess")]
    [InlineData(new[] { "games", "perft", "chess", "2", "--fen", "8/8/8 w - - 0 1" }, "FEN")]
    [InlineData(new[] { "games", "perft", "othello", "99" }, "depth 99 is outside 0..20")]
    public void Bad_input_gives_one_line(string[] args, string expected)
    {
        var (code, _, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
