using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using SharpSight.Games.Chess.Engines;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Chess;

[Collection("stockfish")]
public sealed class ChessEngineGamesTests(ITestOutputHelper output)
{
    private static readonly ChessEngineGameOptions Fast = new() { Limit = SearchLimit.Nodes(1500), MaxPlies = 160 };

    [Fact]
    public void Games_are_legal_finished_and_reproducible_with_node_limits()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var a = ChessEngineGames.Generate(4, seed: 7, Fast).ToList();
        double seconds = watch.Elapsed.TotalSeconds;
        var b = ChessEngineGames.Generate(4, seed: 7, Fast).ToList();
        Assert.Equal(a.Select(g => g.ToTranscript()), b.Select(g => g.ToTranscript()));
        Assert.Equal(a.Select(g => g.Result), b.Select(g => g.Result));
        Assert.All(a, g => ChessRandomGamesTests.AssertLegalAndFinished(g, Fast.MaxPlies));
        output.WriteLine($"{a.Count / seconds:F2} games/s at {Fast.Limit}; " + string.Join(" | ", a.Select(g => $"{g.Moves.Count} plies {g.Result} {ChessResults.Describe(g.Termination)}")));
    }

    [Fact]
    public void Seeds_choose_different_random_starts()
    {
        using var engine = UciEngine.Start();
        var options = Fast with { MinRandomPlies = 6, MaxRandomPlies = 6, MaxPlies = 12 };
        var first = new ChessEngineGames(engine, 1, options).Next();
        var second = new ChessEngineGames(engine, 2, options).Next();
        Assert.NotEqual(first.Moves.Take(6), second.Moves.Take(6));
        // The cap stops a game that is still going; the engine's six plies follow the six random ones.
        Assert.All(new[] { first, second }, g => Assert.Equal((12, "*", ChessTermination.PlyCap), (g.Moves.Count, g.Result, g.Termination)));
    }

    [Fact]
    public void Games_start_from_an_opening_line_then_random_plies()
    {
        var openings = ChessOpenings.Read(Path.GetDirectoryName(SharedData.Path("datasets/chess/lichess-openings/a.tsv"))!);
        var options = Fast with { Openings = openings, MinRandomPlies = 0, MaxRandomPlies = 2, MaxPlies = 30 };
        var games = ChessEngineGames.Generate(3, seed: 3, options).ToList();
        Assert.All(games, g => Assert.Contains(openings, o => g.Moves.Take(o.Moves.Count).SequenceEqual(o.Moves)));
        Assert.All(games, g => ChessRandomGamesTests.AssertLegalAndFinished(g, 30));
    }

    [Fact]
    public void A_lower_skill_level_plays_legal_games()
    {
        var games = ChessEngineGames.Generate(2, seed: 1, Fast with { SkillLevel = 0, MaxPlies = 40 }).ToList();
        Assert.All(games, g => ChessRandomGamesTests.AssertLegalAndFinished(g, 40));
    }

    [Theory]
    [InlineData(5, 4, 600, 20, "random plies 5..4 is not a range of non-negative counts")]
    [InlineData(-1, 4, 600, 20, "random plies -1..4 is not a range of non-negative counts")]
    [InlineData(4, 8, 0, 20, "the ply cap must be positive, got 0")]
    [InlineData(4, 8, 600, 21, "skill level 21 is outside 0..20")]
    public void Bad_options_are_refused(int min, int max, int cap, int skill, string expected)
    {
        var options = new ChessEngineGameOptions { MinRandomPlies = min, MaxRandomPlies = max, MaxPlies = cap, SkillLevel = skill };
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => ChessEngineGames.Generate(1, 1, options)).Message);
    }

    [Fact]
    public void A_missing_engine_fails_when_generation_starts()
    {
        var games = ChessEngineGames.Generate(1, 1, new ChessEngineGameOptions { EnginePath = "/no/such/engine" });
        var e = Assert.Throws<UciEngineException>(() => games.ToList());
        Assert.Contains("'/no/such/engine' not found", e.Message);
    }
}
