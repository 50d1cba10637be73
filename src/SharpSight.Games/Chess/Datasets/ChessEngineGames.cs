using SharpSight.Games.Chess.Engines;
using SharpSight.Models.Generation;

namespace SharpSight.Games.Chess.Datasets;

/// <summary>Settings of <see cref="ChessEngineGames"/>.</summary>
public sealed record ChessEngineGameOptions
{
    /// <summary>The default node limit per move, 10,000: a few milliseconds of Stockfish, well above club strength.</summary>
    public const long DefaultNodes = 10_000;

    /// <summary>The default ply cap, 600, as for random games: the fifty-move rule ends engine shuffles long before it.</summary>
    public const int DefaultMaxPlies = ChessRandomGameOptions.DefaultMaxPlies;

    /// <summary>The engine binary, used by <see cref="ChessEngineGames.Generate"/> (default Debian's Stockfish).</summary>
    public string EnginePath { get; init; } = UciEngine.DefaultPath;

    /// <summary>How long the engine searches each move (default <see cref="DefaultNodes"/> nodes).</summary>
    public SearchLimit Limit { get; init; } = SearchLimit.Nodes(DefaultNodes);

    /// <summary>Stockfish's "Skill Level", 0..20 (20, full strength, is the default; below 20 Stockfish picks moves with a
    /// clock-seeded random generator, so games are no longer reproducible).</summary>
    public int SkillLevel { get; init; } = 20;

    /// <summary>The engine's hash table in MB (Stockfish's default 16).</summary>
    public int HashMegabytes { get; init; } = 16;

    /// <summary>The fewest uniformly random plies played after the opening line, before the engine takes over (default 4).</summary>
    public int MinRandomPlies { get; init; } = 4;

    /// <summary>The most random plies (default 8); each game draws its count from MinRandomPlies..MaxRandomPlies.</summary>
    public int MaxRandomPlies { get; init; } = 8;

    /// <summary>Opening lines: each game first plays one drawn uniformly (none: the random plies start from the start).</summary>
    public IReadOnlyList<ChessOpening> Openings { get; init; } = [];

    /// <summary>Plies after which a game stops unfinished (result "*"); opening and random plies count.</summary>
    public int MaxPlies { get; init; } = DefaultMaxPlies;

    internal void Validate()
    {
        if (MinRandomPlies < 0 || MaxRandomPlies < MinRandomPlies)
            throw new ArgumentException($"random plies {MinRandomPlies}..{MaxRandomPlies} is not a range of non-negative counts");
        if (MaxPlies < 1) throw new ArgumentException($"the ply cap must be positive, got {MaxPlies}");
        if (SkillLevel is < 0 or > 20) throw new ArgumentException($"skill level {SkillLevel} is outside 0..20");
        if (HashMegabytes < 1) throw new ArgumentException($"hash size {HashMegabytes} MB must be positive");
        ArgumentNullException.ThrowIfNull(Openings);
        ArgumentException.ThrowIfNullOrEmpty(EnginePath);
    }
}

/// <summary>
/// Seeded engine self-play games: each game plays an opening line (optional) and a few uniformly random plies chosen by
/// the seed, then the engine plays both sides until checkmate, stalemate, insufficient material, the fifty-move rule,
/// threefold repetition or the ply cap. The engine runs with Threads = 1 and gets "ucinewgame" (a cleared hash table)
/// before every game, so with a depth or node limit and Skill Level 20 a seed reproduces the same games; the random
/// start is what makes the games differ. Time limits and lower skill levels make the engine itself random.
/// </summary>
public sealed class ChessEngineGames
{
    private readonly UciEngine _engine;
    private readonly ChessEngineGameOptions _options;
    private readonly SplitMix64 _random;

    /// <summary>Creates a generator over a running engine, which it configures (Threads, Hash, Skill Level).</summary>
    /// <param name="engine">The engine; the caller keeps ownership.</param>
    /// <param name="seed">Chooses the openings and random plies.</param>
    /// <param name="options">Limits and openings (default: <see cref="ChessEngineGameOptions"/>'s defaults).</param>
    /// <exception cref="ArgumentException">Inconsistent options, or an engine without a needed option.</exception>
    public ChessEngineGames(UciEngine engine, ulong seed, ChessEngineGameOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _options = options ?? new ChessEngineGameOptions();
        _options.Validate();
        _engine = engine;
        _random = new SplitMix64(seed);
        // One thread: with more, the threads race on the shared hash table and the same search gives different moves.
        if (engine.Options.ContainsKey("Threads")) engine.SetOption("Threads", 1);
        if (engine.Options.ContainsKey("Hash")) engine.SetOption("Hash", _options.HashMegabytes);
        if (_options.SkillLevel != 20 || engine.Options.ContainsKey("Skill Level")) engine.SetOption("Skill Level", _options.SkillLevel);
    }

    /// <summary>Starts the engine of <paramref name="options"/>, plays <paramref name="count"/> games lazily, and quits it.</summary>
    /// <param name="count">Number of games.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="options">Engine, limits and openings.</param>
    public static IEnumerable<ChessGame> Generate(int count, ulong seed, ChessEngineGameOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        options ??= new ChessEngineGameOptions();
        options.Validate();
        return GenerateIterator(count, seed, options);
    }

    private static IEnumerable<ChessGame> GenerateIterator(int count, ulong seed, ChessEngineGameOptions options)
    {
        using UciEngine engine = UciEngine.Start(options.EnginePath);
        var generator = new ChessEngineGames(engine, seed, options);
        for (int i = 0; i < count; i++) yield return generator.Next();
    }

    /// <summary>The next game, played to its end or to the ply cap.</summary>
    /// <exception cref="UciEngineException">The engine failed, or found no move where legal moves exist.</exception>
    public ChessGame Next()
    {
        var game = new ChessGameTracker();
        ChessRandomGames.PlayOpening(game, _options.Openings, _random);
        int randomPlies = _random.Between(_options.MinRandomPlies, _options.MaxRandomPlies);
        ChessTermination end = ChessRandomGames.PlayRandomly(game, Math.Min(randomPlies, _options.MaxPlies - game.Moves.Count), _random);
        if (end != ChessTermination.None) return game.ToGame(end);
        _engine.NewGame();
        while (true)
        {
            end = game.Termination;
            if (end != ChessTermination.None) return game.ToGame(end);
            if (game.Moves.Count >= _options.MaxPlies) return game.ToGame(ChessTermination.PlyCap);
            Move move = _engine.BestMove(game.Start, game.Moves, _options.Limit)
                ?? throw new UciEngineException($"chess engine '{_engine.EnginePath}' found no move in {game.Position.ToFen()}, which has legal moves");
            game.Play(move);
        }
    }
}
