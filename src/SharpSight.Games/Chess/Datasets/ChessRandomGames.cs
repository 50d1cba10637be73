using SharpSight.Models.Generation;

namespace SharpSight.Games.Chess.Datasets;

/// <summary>Settings of <see cref="ChessRandomGames"/>.</summary>
public sealed record ChessRandomGameOptions
{
    /// <summary>
    /// The default ply cap, 600: a safety net rather than a length limit. Uniform random play rarely mates, and most
    /// games drift into long endings that bare kings or the fifty-move rule end (median 355 plies); with 600 plies about
    /// 99.4% of games end by a rule, so results are real results. Cut long transcripts to a model's context when training.
    /// </summary>
    public const int DefaultMaxPlies = 600;

    /// <summary>Plies after which a game stops unfinished (result "*"); the opening's plies count.</summary>
    public int MaxPlies { get; init; } = DefaultMaxPlies;

    /// <summary>Lines to start from: each game first plays one of them, drawn uniformly (none: the standard start).</summary>
    public IReadOnlyList<ChessOpening> Openings { get; init; } = [];

    internal void Validate()
    {
        if (MaxPlies < 1) throw new ArgumentException($"the ply cap must be positive, got {MaxPlies}");
        ArgumentNullException.ThrowIfNull(Openings);
    }
}

/// <summary>
/// Seeded random legal chess games: after an optional opening line, every move is drawn uniformly from the legal moves,
/// until checkmate, stalemate, insufficient material, the fifty-move rule, threefold repetition (both draws taken as
/// soon as claimable) or the ply cap. The draws come from <see cref="SplitMix64"/>, so a seed gives the same games on
/// every platform and .NET version. Not thread-safe; use one generator per thread.
/// </summary>
public sealed class ChessRandomGames
{
    private readonly SplitMix64 _random;
    private readonly ChessRandomGameOptions _options;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">Any 64-bit seed.</param>
    /// <param name="options">Ply cap and openings (default: <see cref="ChessRandomGameOptions"/>'s defaults).</param>
    /// <exception cref="ArgumentException">A ply cap below 1.</exception>
    public ChessRandomGames(ulong seed, ChessRandomGameOptions? options = null)
    {
        _options = options ?? new ChessRandomGameOptions();
        _options.Validate();
        _random = new SplitMix64(seed);
    }

    /// <summary><paramref name="count"/> games of a new generator seeded with <paramref name="seed"/>, generated lazily.</summary>
    /// <param name="count">Number of games.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="options">Ply cap and openings.</param>
    public static IEnumerable<ChessGame> Generate(int count, ulong seed, ChessRandomGameOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        (options ?? new ChessRandomGameOptions()).Validate();
        return GenerateIterator(count, seed, options);
    }

    // A fresh generator per enumeration, so enumerating twice gives the same games.
    private static IEnumerable<ChessGame> GenerateIterator(int count, ulong seed, ChessRandomGameOptions? options)
    {
        var generator = new ChessRandomGames(seed, options);
        for (int i = 0; i < count; i++) yield return generator.Next();
    }

    /// <summary>The next game, played to its end or to the ply cap.</summary>
    public ChessGame Next()
    {
        var game = new ChessGameTracker();
        PlayOpening(game, _options.Openings, _random);
        ChessTermination end = PlayRandomly(game, _options.MaxPlies - game.Moves.Count, _random);
        return game.ToGame(end == ChessTermination.None ? ChessTermination.PlyCap : end);
    }

    /// <summary>Plays one opening drawn uniformly from <paramref name="openings"/> (nothing when there are none).</summary>
    internal static void PlayOpening(ChessGameTracker game, IReadOnlyList<ChessOpening> openings, SplitMix64 random)
    {
        if (openings.Count == 0) return;
        foreach (Move move in openings[random.Below(openings.Count)].Moves) game.Play(move);
    }

    /// <summary>Plays up to <paramref name="plies"/> uniformly random legal moves; returns the rule that ended the game, if one did.</summary>
    internal static ChessTermination PlayRandomly(ChessGameTracker game, int plies, SplitMix64 random)
    {
        Span<Move> legal = stackalloc Move[Position.MaxMoves];
        for (int played = 0; ; played++)
        {
            int count = game.Position.GenerateLegalMoves(legal);
            ChessTermination end = game.TerminationGiven(count > 0);
            if (end != ChessTermination.None || played >= plies) return end;
            game.Play(legal[random.Below(count)]);
        }
    }
}
