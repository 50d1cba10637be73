using SharpSight.Games.Othello;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// Othello games as the game language models read them (<see cref="SharpSight.Games.Training.OthelloTrainingData"/>):
/// one game per window of <see cref="OthelloGame.MaxMoves"/> (60) positions, one <see cref="OthelloVocabulary"/> token per
/// move from the first move on (there is no start token; passes have no token), then <see cref="OthelloVocabulary.Pad"/>
/// padding, which is not real.
/// </summary>
public sealed class OthelloTokenSource : ITokenSource
{
    private readonly Func<IEnumerable<OthelloGame>> _games;

    private OthelloTokenSource(Func<IEnumerable<OthelloGame>> games, string description)
    {
        _games = games;
        Description = description;
    }

    /// <summary>The games of an Othello game file (<see cref="OthelloGameFile"/>), streamed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxGames">Read at most this many games (null: all).</param>
    /// <exception cref="TokenSourceException">The file does not exist.</exception>
    /// <remarks>A damaged file fails while reading with the game file's own one-line <see cref="SharpSight.Games.GameRecordException"/>.</remarks>
    public static OthelloTokenSource FromFile(string path, int? maxGames = null)
    {
        SourceFiles.Require(path);
        if (maxGames is < 0) throw new ArgumentOutOfRangeException(nameof(maxGames), "must not be negative");
        string full = Path.GetFullPath(path);
        return new(() => Limit(OthelloGameFile.Read(full), maxGames),
            $"othello-games file {SourceFiles.Fingerprint(full)}{(maxGames is { } m ? $" first {m} games" : "")}; context 60");
    }

    /// <summary>Games from a text file of transcripts ("f5d6c4…", <see cref="OthelloTranscript"/>), one per line; blank lines are skipped.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxGames">Read at most this many games (null: all).</param>
    /// <exception cref="TokenSourceException">The file does not exist.</exception>
    /// <remarks>A bad transcript fails while reading with a <see cref="SharpSight.Games.GameRecordException"/> naming the file and line.</remarks>
    public static OthelloTokenSource FromTranscripts(string path, int? maxGames = null)
    {
        SourceFiles.Require(path);
        if (maxGames is < 0) throw new ArgumentOutOfRangeException(nameof(maxGames), "must not be negative");
        string full = Path.GetFullPath(path);
        return new(() => Limit(ReadTranscripts(full), maxGames),
            $"othello-transcripts file {SourceFiles.Fingerprint(full)}{(maxGames is { } m ? $" first {m} games" : "")}; context 60");
    }

    /// <summary>
    /// <paramref name="games"/> seeded random legal games (<see cref="OthelloRandomGames"/>, the synthetic dataset of
    /// Othello-GPT), generated lazily. Use a seed other than the model's training games' to read held-out games.
    /// </summary>
    public static OthelloTokenSource Random(int games, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(games);
        return new(() => OthelloRandomGames.Generate(games, seed), $"othello-random {games} games seed {seed}; context 60");
    }

    /// <summary>Games from any re-enumerable collection (each <see cref="Open"/> enumerates it again).</summary>
    /// <param name="games">The games.</param>
    /// <param name="description">Names them (recorded in activation caches).</param>
    public static OthelloTokenSource FromGames(IEnumerable<OthelloGame> games, string description)
    {
        ArgumentNullException.ThrowIfNull(games);
        ArgumentNullException.ThrowIfNull(description);
        return new(() => games, $"othello-games {description}; context 60");
    }

    /// <inheritdoc />
    public int ContextLength => OthelloGame.MaxMoves;

    /// <summary>None: an Othello window starts with the first move.</summary>
    public int? BosId => null;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public ITokenWindowReader Open() => new Reader(_games().GetEnumerator());

    private static IEnumerable<OthelloGame> Limit(IEnumerable<OthelloGame> games, int? max) => max is { } m ? games.Take(m) : games;

    private static IEnumerable<OthelloGame> ReadTranscripts(string path)
    {
        string name = Path.GetFileName(path);
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line)) yield return OthelloTranscript.Parse(line, $"{name} line {number}");
        }
    }

    private sealed class Reader(IEnumerator<OthelloGame> games) : ITokenWindowReader
    {
        private readonly int[] _tokens = new int[OthelloGame.MaxMoves];

        public bool Read(Span<long> ids, Span<bool> real)
        {
            TokenWindows.CheckLength(ids, real, OthelloGame.MaxMoves);
            if (!games.MoveNext()) return false;
            OthelloGame game = games.Current;
            ReadOnlySpan<byte> squares = game.Squares;
            for (int i = 0; i < squares.Length; i++) _tokens[i] = OthelloVocabulary.TokenOf(squares[i]);
            TokenWindows.Write(_tokens.AsSpan(0, squares.Length), ids, real, OthelloVocabulary.Pad);
            return true;
        }

        public void Dispose() => games.Dispose();
    }
}
