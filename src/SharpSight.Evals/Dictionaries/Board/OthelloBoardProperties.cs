using SharpSight.Games.Othello;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// The Othello board-state properties of Karvonen et al. 2024, one position per move (token position t of
/// <see cref="OthelloVocabulary.Encode(OthelloGame)"/>, labelled with the board after move t): 256 properties in four
/// groups of 64 squares (a1 … h8): "mine", "theirs" and "empty" relative to the player to move next, and "legal" (the
/// legal moves of that player). Only mine and theirs are scored in board reconstruction: empty squares are not scored (as
/// in the paper), and legal moves are a different kind of property (the original code reconstructs them as a separate
/// board function, and the paper's Table 1 reports the board state), so they are reported through coverage only.
/// </summary>
public static class OthelloBoardProperties
{
    /// <summary>The groups in property order.</summary>
    public static IReadOnlyList<string> Groups { get; } = ["mine", "theirs", "empty", "legal"];

    /// <summary>Number of properties: 4 groups × 64 squares.</summary>
    public const int Count = 256;

    /// <summary>Index of property "<paramref name="group"/> <paramref name="square"/>" (group 0..3 as in <see cref="Groups"/>).</summary>
    public static int Index(int group, int square) => group * 64 + square;

    /// <summary>The properties of every move of every game, games in order.</summary>
    public static BoardProperties For(IReadOnlyList<OthelloGame> games)
    {
        ArgumentNullException.ThrowIfNull(games);
        long positions = games.Sum(g => (long)g.MoveCount);
        var flags = new bool[positions * Count];
        long row = 0;
        foreach (OthelloGame game in games)
            foreach (OthelloBoardState state in OthelloVocabulary.StatesAfterEachMove(game))
                Fill(state.Board, flags.AsSpan((int)(row++ * Count), Count));
        string[] names = [.. Groups.SelectMany(g => Enumerable.Range(0, 64).Select(sq => $"{g} {OthelloSquare.Name(sq)}"))];
        string[] groups = [.. Groups.SelectMany(g => Enumerable.Repeat(g, 64))];
        bool[] scored = [.. groups.Select(g => g is "mine" or "theirs")];
        // The original's coverage divides by its mine / yours / blank slots, blank included although it cannot score.
        return BoardProperties.FromFlags(names, groups, scored, flags, positions, coverageSlots: 3 * 64);
    }

    /// <summary>Writes the 256 flags of one board into <paramref name="row"/>.</summary>
    internal static void Fill(OthelloBoard board, Span<bool> row)
    {
        ulong legal = board.LegalMoves;
        for (int sq = 0; sq < 64; sq++)
        {
            ulong bit = 1UL << sq;
            row[Index(0, sq)] = (board.Mine & bit) != 0;
            row[Index(1, sq)] = (board.Theirs & bit) != 0;
            row[Index(2, sq)] = ((board.Mine | board.Theirs) & bit) == 0;
            row[Index(3, sq)] = (legal & bit) != 0;
        }
    }
}
