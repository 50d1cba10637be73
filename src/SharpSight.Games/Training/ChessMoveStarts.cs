using SharpSight.Games.Chess;

namespace SharpSight.Games.Training;

/// <summary>Where a move's SAN begins in a transcript, and the position it is played in.</summary>
/// <param name="Index">Index of the SAN's first character: after "N." for White, after the space for Black.</param>
/// <param name="San">The move as the transcript writes it.</param>
/// <param name="Position">The position before the move.</param>
public sealed record ChessMoveStart(int Index, string San, Position Position);

/// <summary>
/// The move starts of a transcript. A White move starts after its move number ("12."), which the model is given: the
/// legal-move rate scores the move itself, and the number is a formality it learns at once.
/// </summary>
public static class ChessMoveStarts
{
    /// <summary>The transcript of a game (as <see cref="Transcript.Write"/> writes it) and the start of every move in it.</summary>
    public static (string Transcript, IReadOnlyList<ChessMoveStart> Starts) Of(PgnGame game)
    {
        var text = new System.Text.StringBuilder(";");
        var starts = new List<ChessMoveStart>(game.Moves.Count);
        Position position = game.StartPosition;
        int ply = 0;
        foreach (string token in Pgn.MovetextTokens(game.StartPosition, game.Moves, spaceAfterNumber: false))
        {
            if (ply > 0) text.Append(' ');
            int sanOffset = token.LastIndexOf('.') + 1;   // "12.Nf3" → 3, "Nc6" → 0
            starts.Add(new ChessMoveStart(text.Length + sanOffset, token[sanOffset..], position));
            text.Append(token);
            position = position.Play(game.Moves[ply++]);
        }
        return (text.ToString(), starts);
    }

    /// <summary>
    /// The move starts a model with a context of <paramref name="width"/> characters is scored on: those whose whole SAN
    /// lies among the characters the window predicts (indices 1..width).
    /// </summary>
    public static IEnumerable<ChessMoveStart> InWindow(IEnumerable<ChessMoveStart> starts, int width) =>
        starts.TakeWhile(s => s.Index + s.San.Length <= width + 1);
}
