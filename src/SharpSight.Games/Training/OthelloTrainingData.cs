using SharpSight.Games.Othello;
using static TorchSharp.torch;

namespace SharpSight.Games.Training;

/// <summary>
/// Othello games as training rows of <see cref="OthelloGame.MaxMoves"/> tokens (one per move, padded with
/// <see cref="OthelloVocabulary.Pad"/>). At position i the model has seen moves 0..i and predicts move i + 1; positions
/// without a next move are ignored. The legal next moves of every position are kept for the legal-move objective and
/// for measuring the legal-move rate.
/// </summary>
public sealed class OthelloTrainingData : ILegalMoveTrainingData
{
    private readonly long[] _tokens;       // [games, 60]
    private readonly ulong[] _legalNext;   // [games, 60]: legal squares after move i (0 where there is no next move)
    private readonly int[] _lengths;

    /// <summary>Prepares games for training.</summary>
    public OthelloTrainingData(IReadOnlyList<OthelloGame> games)
    {
        if (games.Count == 0) throw new ArgumentException("no games");
        const int width = OthelloGame.MaxMoves;
        _tokens = new long[games.Count * width];
        _legalNext = new ulong[games.Count * width];
        _lengths = new int[games.Count];
        for (int g = 0; g < games.Count; g++)
        {
            int[] tokens = OthelloVocabulary.Encode(games[g]);
            OthelloBoardState[] states = OthelloVocabulary.StatesAfterEachMove(games[g]);
            _lengths[g] = tokens.Length;
            for (int i = 0; i < tokens.Length; i++)
            {
                _tokens[g * width + i] = tokens[i];
                if (i + 1 < tokens.Length) _legalNext[g * width + i] = states[i].LegalMoves;
            }
        }
        Count = games.Count;
    }

    /// <summary>Number of games.</summary>
    public int Count { get; }

    /// <summary>Tokens per row.</summary>
    public static int Width => OthelloGame.MaxMoves;

    /// <summary>Vocabulary size.</summary>
    public static int Vocabulary => OthelloVocabulary.Size;

    // Explicit, so that the static Width and Vocabulary stay as they are for existing callers.
    int IGameTrainingData.Width => Width;

    int IGameTrainingData.Vocabulary => Vocabulary;

    /// <summary>Positions with a next move (the ones trained and scored).</summary>
    public long PredictedPositions(IEnumerable<int> rows) => rows.Sum(r => (long)Math.Max(0, _lengths[r] - 1));

    /// <summary>Input ids [rows, 60].</summary>
    public Tensor Inputs(IReadOnlyList<int> rows) => tensor(Gather(_tokens, rows), ScalarType.Int64).view(rows.Count, Width);

    /// <summary>Next-token targets [rows, 60]: the next move's token, or -100 where there is none.</summary>
    public Tensor NextTokens(IReadOnlyList<int> rows)
    {
        var targets = new long[rows.Count * Width];
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i < Width; i++)
                targets[r * Width + i] = i + 1 < _lengths[rows[r]] ? _tokens[rows[r] * Width + i + 1] : -100;
        return tensor(targets, ScalarType.Int64).view(rows.Count, Width);
    }

    /// <summary>Legal-move targets [rows, 60, vocabulary]: uniform over the legal next moves (all zero where there is none).</summary>
    public Tensor LegalMoveTargets(IReadOnlyList<int> rows)
    {
        int vocabulary = Vocabulary;
        var targets = new float[rows.Count * Width * vocabulary];
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i < Width; i++)
            {
                ulong legal = _legalNext[rows[r] * Width + i];
                int count = System.Numerics.BitOperations.PopCount(legal);
                for (ulong bits = legal; bits != 0; bits &= bits - 1)
                    targets[(r * Width + i) * vocabulary + OthelloVocabulary.TokenOf(System.Numerics.BitOperations.TrailingZeroCount(bits))] = 1f / count;
            }
        return tensor(targets).view(rows.Count, Width, vocabulary);
    }

    /// <summary>Share of predicted positions whose top-1 token is a legal next move; logits [rows, 60, vocabulary].</summary>
    public double LegalMoveRate(IReadOnlyList<int> rows, Tensor logits)
    {
        using Tensor best = logits.argmax(-1).cpu();
        long[] predicted = best.data<long>().ToArray();
        long legal = 0, total = 0;
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i + 1 < _lengths[rows[r]]; i++)
            {
                total++;
                long token = predicted[r * Width + i];
                if (token != OthelloVocabulary.Pad && (_legalNext[rows[r] * Width + i] >> OthelloVocabulary.SquareOf((int)token) & 1) != 0) legal++;
            }
        return total == 0 ? double.NaN : legal / (double)total;
    }

    private static T[] Gather<T>(T[] source, IReadOnlyList<int> rows)
    {
        var result = new T[rows.Count * Width];
        for (int r = 0; r < rows.Count; r++) Array.Copy(source, rows[r] * Width, result, r * Width, Width);
        return result;
    }
}
