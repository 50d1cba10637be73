using SharpSight.Games.Chess;
using static TorchSharp.torch;

namespace SharpSight.Games.Training;

/// <summary>
/// Chess games as character-level training rows, as in Karvonen's chess-GPT: each row is one game's transcript
/// ";1.e4 e5 2.Nf3 …" in <see cref="ChessVocabulary"/> ids, cut to the context <see cref="Width"/>. At position i the
/// model has read characters 0..i and predicts character i + 1; the last position of a full row predicts the first
/// character beyond the window, so every character of the window is a target except the leading ';'.
/// </summary>
/// <remarks>
/// A game shorter than the window is padded with <see cref="Pad"/> (the space, id 0). Padding is masked rather than
/// trained: its targets are -100, and the last character of a game has no target either (nothing follows it). The
/// model is causal, so the pad inputs cannot change any trained position; a space is simply the most natural filler.
/// </remarks>
public sealed class ChessTrainingData : IGameTrainingData
{
    /// <summary>The input id after the end of a game (the space).</summary>
    public const int Pad = 0;

    private readonly byte[][] _ids;   // per game: the first min(length, Width + 1) ids of its transcript

    /// <summary>Prepares transcripts (";1.e4 e5 …", as <see cref="Transcript.Write"/> writes them) for training.</summary>
    /// <param name="transcripts">One transcript per game; characters outside the chess vocabulary are an error.</param>
    /// <param name="width">Context width in characters.</param>
    public ChessTrainingData(IEnumerable<string> transcripts, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Width = width;
        _ids = [.. transcripts.Select(Row)];
        if (_ids.Length == 0) throw new ArgumentException("no games");
    }

    /// <summary>Prepares games for training (their transcripts from their start positions).</summary>
    public static ChessTrainingData FromGames(IEnumerable<PgnGame> games, int width) =>
        new(games.Select(g => Transcript.Write(g.Moves, g.StartPosition)), width);

    /// <inheritdoc />
    public int Count => _ids.Length;

    /// <inheritdoc />
    public int Width { get; }

    /// <inheritdoc />
    public int Vocabulary => ChessVocabulary.Size;

    /// <inheritdoc />
    public long PredictedPositions(IEnumerable<int> rows) => rows.Sum(r => (long)_ids[r].Length - 1);

    /// <inheritdoc />
    public Tensor Inputs(IReadOnlyList<int> rows)
    {
        var inputs = new long[rows.Count * Width];
        for (int r = 0; r < rows.Count; r++)
        {
            byte[] ids = _ids[rows[r]];
            for (int i = 0; i < Width; i++) inputs[r * Width + i] = i < ids.Length ? ids[i] : Pad;
        }
        return tensor(inputs, ScalarType.Int64).view(rows.Count, Width);
    }

    /// <inheritdoc />
    public Tensor NextTokens(IReadOnlyList<int> rows)
    {
        var targets = new long[rows.Count * Width];
        for (int r = 0; r < rows.Count; r++)
        {
            byte[] ids = _ids[rows[r]];
            for (int i = 0; i < Width; i++) targets[r * Width + i] = i + 1 < ids.Length ? ids[i + 1] : -100;
        }
        return tensor(targets, ScalarType.Int64).view(rows.Count, Width);
    }

    private byte[] Row(string transcript)
    {
        int[] ids = ChessVocabulary.Encode(transcript.Length > Width + 1 ? transcript[..(Width + 1)] : transcript);
        if (ids.Length < 2) throw new ArgumentException($"transcript \"{transcript}\" has no move");
        return [.. ids.Select(id => (byte)id)];
    }
}
