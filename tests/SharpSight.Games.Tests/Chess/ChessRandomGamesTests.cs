using System.Diagnostics;
using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Chess;

public class ChessRandomGamesTests(ITestOutputHelper output)
{
    /// <summary>Replays a game checking every move against the legal moves and the termination rules at the end only.</summary>
    internal static void AssertLegalAndFinished(ChessGame game, int maxPlies)
    {
        var tracker = new ChessGameTracker();
        foreach (Move move in game.Moves)
        {
            Assert.Equal(ChessTermination.None, tracker.Termination); // no move after the game ended
            Assert.Contains(move, tracker.Position.LegalMoves());
            tracker.Play(move);
        }
        ChessTermination end = tracker.Termination;
        if (game.Termination == ChessTermination.PlyCap)
        {
            Assert.Equal(maxPlies, game.Moves.Count);
            Assert.Equal("*", game.Result);
        }
        else Assert.Equal(end, game.Termination);
        Assert.NotEqual(ChessTermination.None, game.Termination);
        Assert.Equal(ChessResults.Of(game.Termination, tracker.Position.SideToMove), game.Result);
    }

    [Fact]
    public void Games_are_legal_finished_and_seeded()
    {
        var a = ChessRandomGames.Generate(200, seed: 42).ToList();
        var b = ChessRandomGames.Generate(200, seed: 42).ToList();
        var c = ChessRandomGames.Generate(200, seed: 43).ToList();
        Assert.Equal(a.Select(g => g.ToTranscript()), b.Select(g => g.ToTranscript()));
        Assert.Equal(a.Select(g => g.Result), b.Select(g => g.Result));
        Assert.True(a.Zip(c).Count(p => p.First.ToTranscript() == p.Second.ToTranscript()) == 0);
        Assert.All(a, g => AssertLegalAndFinished(g, ChessRandomGameOptions.DefaultMaxPlies));
        // Random play reaches every kind of ending over a few hundred games.
        var endings = a.Concat(c).Select(g => g.Termination).ToHashSet();
        Assert.Subset(endings, new HashSet<ChessTermination> { ChessTermination.Checkmate, ChessTermination.Stalemate,
            ChessTermination.InsufficientMaterial, ChessTermination.FiftyMoveRule, ChessTermination.ThreefoldRepetition });
        // The lazy sequence starts over when enumerated again.
        var lazy = ChessRandomGames.Generate(3, seed: 42);
        Assert.Equal(lazy.Select(g => g.ToTranscript()), lazy.Select(g => g.ToTranscript()));
        Assert.Equal(a[0].ToTranscript(), lazy.First().ToTranscript());
    }

    [Fact]
    public void Seed_zero_gives_known_first_moves()
    {
        // Pins the draw procedure (SplitMix64 and Lemire's bounded draw): changing either changes every dataset.
        ChessGame first = ChessRandomGames.Generate(1, seed: 0).Single();
        Assert.StartsWith(";1.g4 c6 2.Na3 h5 3.Nb1 Rh7 4.Nh3 e6 5.Bg2 g6 6.Rf1 g5 7.a4 ", first.ToTranscript());
        Assert.Equal((430, "1/2-1/2", ChessTermination.InsufficientMaterial), (first.Moves.Count, first.Result, first.Termination));
        Assert.Equal(first.ToTranscript(), new ChessRandomGames(0).Next().ToTranscript());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(57)]
    public void The_ply_cap_stops_unfinished_games(int cap)
    {
        var games = ChessRandomGames.Generate(100, seed: 5, new ChessRandomGameOptions { MaxPlies = cap }).ToList();
        Assert.All(games, g => Assert.True(g.Moves.Count <= cap));
        Assert.All(games, g => AssertLegalAndFinished(g, cap));
        Assert.Contains(games, g => g.Termination == ChessTermination.PlyCap);
    }

    [Fact]
    public void Games_start_with_a_drawn_opening_line()
    {
        var openings = new[]
        {
            new ChessOpening("C60", "Ruy Lopez", Transcript.Parse("1. e4 e5 2. Nf3 Nc6 3. Bb5")),
            new ChessOpening("A00", "Barnes Opening: Fool's Mate", Transcript.Parse("1. f3 e5 2. g4 Qh4#")),
        };
        var games = ChessRandomGames.Generate(60, seed: 1, new ChessRandomGameOptions { Openings = openings }).ToList();
        Assert.All(games, g => Assert.Contains(openings, o => g.Moves.Take(o.Moves.Count).SequenceEqual(o.Moves)));
        // Both lines are drawn; the one that mates ends the game at once.
        var mated = games.Where(g => g.Moves.Count == 4).ToList();
        Assert.NotEmpty(mated);
        Assert.All(mated, g => Assert.Equal(("0-1", ChessTermination.Checkmate), (g.Result, g.Termination)));
        Assert.Contains(games, g => g.Moves.Count > 5);
        Assert.All(games, g => AssertLegalAndFinished(g, ChessRandomGameOptions.DefaultMaxPlies));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChessRandomGames(1, new ChessRandomGameOptions { MaxPlies = 0 }));
        Assert.Equal("the ply cap must be positive, got 0", e.Message);
        Assert.Throws<ArgumentException>(() => ChessRandomGames.Generate(1, 1, new ChessRandomGameOptions { MaxPlies = -3 }));
    }

    [Fact]
    public void Generation_speed()
    {
        ChessRandomGames.Generate(200, seed: 9).Count();
        var watch = Stopwatch.StartNew();
        var games = ChessRandomGames.Generate(2000, seed: 3).ToList();
        double seconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"{games.Count / seconds:N0} games/s, {games.Sum(g => g.Moves.Count) / seconds:N0} plies/s, " +
            string.Join(", ", games.GroupBy(g => g.Termination).OrderBy(g => g.Key).Select(g => $"{ChessResults.Describe(g.Key)} {g.Count()}")));
        Assert.True(games.Count / seconds > 100, $"{games.Count / seconds:N0} games/s");
    }
}
