using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using SharpSight.Games.Training;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// Chess games as the character-level chess models read them (<see cref="ChessTrainingData"/>): one game per window, the
/// transcript ";1.e4 e5 2.Nf3 …" in <see cref="ChessVocabulary"/> ids cut to the context length, then padding
/// (<see cref="ChessTrainingData.Pad"/>, not real). The leading ';' is an ordinary real token (the model reads it to
/// predict the first move), so there is no BOS to exclude.
/// </summary>
public sealed class ChessTokenSource : ITokenSource
{
    private readonly Func<IEnumerable<string>> _transcripts;

    private ChessTokenSource(Func<IEnumerable<string>> transcripts, int contextLength, string description)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 1);
        _transcripts = transcripts;
        ContextLength = contextLength;
        Description = $"{description}; context {contextLength}";
    }

    /// <summary>
    /// The games of a transcripts file (<see cref="ChessGameFile"/>: one ";1.e4 e5 …" per line, optionally with the result;
    /// ".gz" names are gzip-compressed), streamed.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="contextLength">Characters per window (the model's positions).</param>
    /// <param name="maxGames">Read at most this many games (null: all).</param>
    /// <exception cref="TokenSourceException">The file does not exist.</exception>
    /// <remarks>A bad line fails while reading with a <see cref="SharpSight.Games.GameRecordException"/> naming the file, line and move.</remarks>
    public static ChessTokenSource FromTranscripts(string path, int contextLength, int? maxGames = null)
    {
        SourceFiles.Require(path);
        if (maxGames is < 0) throw new ArgumentOutOfRangeException(nameof(maxGames), "must not be negative");
        string full = Path.GetFullPath(path);
        return new(() => ChessGameFile.Read(full).Take(maxGames ?? int.MaxValue).Select(g => g.ToTranscript()), contextLength,
            $"chess-transcripts file {SourceFiles.Fingerprint(full)}{(maxGames is { } m ? $" first {m} games" : "")}");
    }

    /// <summary>
    /// <paramref name="games"/> seeded random legal games (<see cref="ChessTrainingGames.Random"/>, as the chess training
    /// command generates them: each played until it certainly fills the window), generated lazily.
    /// </summary>
    public static ChessTokenSource Random(int games, ulong seed, int contextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(games);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 1);
        int plies = ChessTrainingGames.PliesToFill(contextLength);
        return new(() => ChessTrainingGames.Random(games, seed, plies).Select(g => Transcript.Write(g.Moves, g.StartPosition)), contextLength,
            $"chess-random {games} games seed {seed} plies {plies}");
    }

    /// <summary>Transcripts from any re-enumerable collection (each <see cref="Open"/> enumerates it again).</summary>
    /// <param name="transcripts">";1.e4 e5 …" strings.</param>
    /// <param name="contextLength">Characters per window.</param>
    /// <param name="description">Names them (recorded in activation caches).</param>
    public static ChessTokenSource FromTranscriptStrings(IEnumerable<string> transcripts, int contextLength, string description)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        ArgumentNullException.ThrowIfNull(description);
        return new(() => transcripts, contextLength, $"chess-transcripts {description}");
    }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <summary>None (see the class remarks).</summary>
    public int? BosId => null;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public ITokenWindowReader Open() => new Reader(_transcripts().GetEnumerator(), ContextLength);

    private sealed class Reader(IEnumerator<string> transcripts, int contextLength) : ITokenWindowReader
    {
        private readonly int[] _tokens = new int[contextLength];

        public bool Read(Span<long> ids, Span<bool> real)
        {
            TokenWindows.CheckLength(ids, real, contextLength);
            if (!transcripts.MoveNext()) return false;
            string transcript = transcripts.Current;
            int length = Math.Min(transcript.Length, contextLength);
            for (int i = 0; i < length; i++)
            {
                int id = ChessVocabulary.Characters.IndexOf(transcript[i], StringComparison.Ordinal);
                _tokens[i] = id >= 0 ? id
                    : throw new TokenSourceException($"chess transcript \"{Shorten(transcript)}\", character {i}: '{transcript[i]}' is not in the chess vocabulary");
            }
            TokenWindows.Write(_tokens.AsSpan(0, length), ids, real, ChessTrainingData.Pad);
            return true;
        }

        public void Dispose() => transcripts.Dispose();

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
    }
}
