using SharpSight.Games.Chess;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>Where the chess model is read in one game: its transcript window and the '.' characters in it.</summary>
/// <param name="Transcript">The transcript ";1.e4 e5 2.Nf3 …" cut to the model's context width.</param>
/// <param name="Indices">Character indices of the read points, ascending.</param>
/// <param name="Positions">The position on the board at each read point.</param>
public sealed record ChessReadPoints(string Transcript, int[] Indices, Position[] Positions);

/// <summary>
/// The chess board-state properties of Karvonen et al. 2024: piece planes, 12 pieces × 64 squares (groups "white_pawn" …
/// "black_king", names "white_pawn e2"), plus an unscored "empty" plane (blank squares: reported through coverage, not
/// scored in board reconstruction, as in the paper). The character-level model is read where the paper reads it: at every
/// '.' of the transcript (the '.' after a move number, where the model has read Black's last move whole and is about to
/// write White's move), labelled with the position at that character (<see cref="ChessVocabulary.WithStates"/>).
/// </summary>
public static class ChessBoardProperties
{
    /// <summary>The groups in property order: the 12 pieces in <see cref="Piece"/> order, then "empty".</summary>
    public static IReadOnlyList<string> Groups { get; } =
        ["white_pawn", "white_knight", "white_bishop", "white_rook", "white_queen", "white_king",
         "black_pawn", "black_knight", "black_bishop", "black_rook", "black_queen", "black_king", "empty"];

    /// <summary>Number of properties: 13 planes × 64 squares.</summary>
    public const int Count = 13 * 64;

    /// <summary>Index of the property "<paramref name="piece"/> on <paramref name="square"/>" (<see cref="Piece.Empty"/>: the empty plane).</summary>
    public static int Index(Piece piece, int square) => (piece == Piece.Empty ? 12 : (int)piece - 1) * 64 + square;

    /// <summary>
    /// The read points of a game for a model of <paramref name="contextWidth"/> characters: every '.' inside the window
    /// that ends a move number (for "1...e5" only the last of the dots).
    /// </summary>
    public static ChessReadPoints ReadPoints(PgnGame game, int contextWidth)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextWidth, 1);
        (string transcript, Position[] states) = ChessVocabulary.WithStates(game.StartPosition, game.Moves);
        string window = transcript.Length > contextWidth ? transcript[..contextWidth] : transcript;
        int[] indices = [.. Enumerable.Range(0, window.Length).Where(i => window[i] == '.' && (i + 1 >= transcript.Length || transcript[i + 1] != '.'))];
        return new ChessReadPoints(window, indices, [.. indices.Select(i => states[i])]);
    }

    /// <summary>The properties at every read point of every game, games in order.</summary>
    public static BoardProperties For(IReadOnlyList<PgnGame> games, int contextWidth) =>
        For([.. games.Select(g => ReadPoints(g, contextWidth))]);

    /// <summary>The properties at the given read points, games in order.</summary>
    public static BoardProperties For(IReadOnlyList<ChessReadPoints> readPoints)
    {
        ArgumentNullException.ThrowIfNull(readPoints);
        long positions = readPoints.Sum(r => (long)r.Indices.Length);
        var flags = new bool[positions * Count];
        long row = 0;
        foreach (ChessReadPoints points in readPoints)
            foreach (Position position in points.Positions)
            {
                Span<bool> flagsOfRow = flags.AsSpan((int)(row++ * Count), Count);
                for (int sq = 0; sq < 64; sq++) flagsOfRow[Index(position.PieceOnSquare(sq), sq)] = true;
            }
        string[] names = [.. Groups.SelectMany(g => Enumerable.Range(0, 64).Select(sq => $"{g} {Squares.Name(sq)}"))];
        string[] groups = [.. Groups.SelectMany(g => Enumerable.Repeat(g, 64))];
        bool[] scored = [.. groups.Select(g => g != "empty")];
        return BoardProperties.FromFlags(names, groups, scored, flags, positions);
    }
}
