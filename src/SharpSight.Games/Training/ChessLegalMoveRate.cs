using SharpSight.Games.Chess;
using SharpSight.Models.Modules;

namespace SharpSight.Games.Training;

/// <summary>How many scored move starts got a legal move.</summary>
/// <param name="Legal">Move starts whose continuation is a legal move.</param>
/// <param name="Scored">Move starts scored.</param>
public sealed record ChessLegalMoveScore(long Legal, long Scored)
{
    /// <summary>Legal / Scored (NaN when nothing was scored).</summary>
    public double Rate => Scored == 0 ? double.NaN : Legal / (double)Scored;
}

/// <summary>
/// The legal-move rate of a character-level chess model: at every move start of held-out games (inside the context
/// window), the model reads the true transcript up to there and writes greedily until a space, the end of the window, or
/// <see cref="MaxMoveCharacters"/> characters; the move is legal when the SAN parser finds a legal move for that text in
/// the true position (the parser is tolerant: a missing or superfluous "+", "#" or "x" still names the move).
/// </summary>
public static class ChessLegalMoveRate
{
    /// <summary>The most characters a model may write for one move (the longest SAN, "exd8=Q+", has 7).</summary>
    public const int MaxMoveCharacters = 8;

    /// <summary>The model's legal-move rate on games, for a model trained with a context of <paramref name="width"/> characters.</summary>
    public static ChessLegalMoveScore Measure(TransformerModel model, IEnumerable<PgnGame> games, int width, int batchSize = 64)
    {
        var starts = new List<ChessMoveStart>();
        var transcripts = new List<int[]>();
        var requests = new List<ChessContinuationRequest>();
        foreach (PgnGame game in games)
        {
            var (transcript, all) = ChessMoveStarts.Of(game);
            foreach (ChessMoveStart start in ChessMoveStarts.InWindow(all, width))
            {
                starts.Add(start);
                requests.Add(new ChessContinuationRequest(transcripts.Count, start.Index, Math.Min(MaxMoveCharacters, width + 1 - start.Index)));
            }
            transcripts.Add(ChessVocabulary.Encode(transcript));
        }
        return Score(starts, ChessGreedyDecoder.Continue(model, transcripts, requests, batchSize: batchSize));
    }

    /// <summary>Scores continuations (one per move start) by legality in each start's position.</summary>
    public static ChessLegalMoveScore Score(IReadOnlyList<ChessMoveStart> starts, IReadOnlyList<string> continuations)
    {
        if (starts.Count != continuations.Count) throw new ArgumentException($"{starts.Count} move starts but {continuations.Count} continuations");
        long legal = 0;
        for (int i = 0; i < starts.Count; i++)
            if (starts[i].Position.TryParseSan(continuations[i], out _)) legal++;
        return new ChessLegalMoveScore(legal, starts.Count);
    }
}
