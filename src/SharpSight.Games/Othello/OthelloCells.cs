namespace SharpSight.Games.Othello;

/// <summary>A square's content relative to the player to move (the Othello-GPT "mine / theirs / empty" probe classes).</summary>
public enum OthelloRelativeCell : byte
{
    /// <summary>No disc.</summary>
    Empty = 0,

    /// <summary>A disc of the player to move.</summary>
    Mine = 1,

    /// <summary>A disc of the opponent of the player to move.</summary>
    Theirs = 2,
}

/// <summary>A square's content in absolute colours (the "black / white / empty" probe classes).</summary>
public enum OthelloAbsoluteCell : byte
{
    /// <summary>No disc.</summary>
    Empty = 0,

    /// <summary>A black disc.</summary>
    Black = 1,

    /// <summary>A white disc.</summary>
    White = 2,
}

/// <summary>Per-square probe labels of a position.</summary>
public static class OthelloBoardCells
{
    /// <summary>64 labels indexed by square (a1 = 0 .. h8 = 63), relative to <see cref="OthelloBoard.SideToMove"/>.</summary>
    /// <param name="board">A position.</param>
    public static OthelloRelativeCell[] RelativeCells(this OthelloBoard board)
    {
        var cells = new OthelloRelativeCell[64];
        for (int sq = 0; sq < 64; sq++)
        {
            ulong bit = 1UL << sq;
            cells[sq] = (board.Mine & bit) != 0 ? OthelloRelativeCell.Mine : (board.Theirs & bit) != 0 ? OthelloRelativeCell.Theirs : OthelloRelativeCell.Empty;
        }
        return cells;
    }

    /// <summary>64 labels indexed by square (a1 = 0 .. h8 = 63) in absolute colours.</summary>
    /// <param name="board">A position.</param>
    public static OthelloAbsoluteCell[] AbsoluteCells(this OthelloBoard board)
    {
        var cells = new OthelloAbsoluteCell[64];
        ulong black = board.Black, white = board.White;
        for (int sq = 0; sq < 64; sq++)
        {
            ulong bit = 1UL << sq;
            cells[sq] = (black & bit) != 0 ? OthelloAbsoluteCell.Black : (white & bit) != 0 ? OthelloAbsoluteCell.White : OthelloAbsoluteCell.Empty;
        }
        return cells;
    }

    /// <summary>64 booleans indexed by square: whether the player to move may play there.</summary>
    /// <param name="board">A position.</param>
    public static bool[] LegalMoveCells(this OthelloBoard board)
    {
        var cells = new bool[64];
        for (ulong legal = board.LegalMoves; legal != 0; legal &= legal - 1) cells[System.Numerics.BitOperations.TrailingZeroCount(legal)] = true;
        return cells;
    }
}
