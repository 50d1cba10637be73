using System.Numerics;

namespace SharpSight.Games.Othello;

/// <summary>
/// The board after one move of a game, with the labels probes need. Index <see cref="MoveIndex"/> is the token
/// position of the move in <see cref="OthelloVocabulary.Encode(OthelloGame)"/>. <see cref="Board"/> has any forced pass already
/// applied, so its <see cref="OthelloBoard.SideToMove"/> is the player who moves next (after the last move of a
/// finished game: the mover's opponent); "mine / theirs" are relative to that player.
/// </summary>
public sealed class OthelloBoardState
{
    internal OthelloBoardState(int moveIndex, int square, OthelloColor mover, OthelloBoard board, ulong flipped, bool nextPlayerPassed)
    {
        MoveIndex = moveIndex;
        Square = square;
        Mover = mover;
        Board = board;
        Flipped = flipped;
        NextPlayerPassed = nextPlayerPassed;
    }

    /// <summary>0-based index of the move in the game (the token position).</summary>
    public int MoveIndex { get; }

    /// <summary>The square just played (0..63).</summary>
    public int Square { get; }

    /// <summary>Who played the move.</summary>
    public OthelloColor Mover { get; }

    /// <summary>The position after the move, with a forced pass applied.</summary>
    public OthelloBoard Board { get; }

    /// <summary>The discs the move flipped.</summary>
    public ulong Flipped { get; }

    /// <summary>Whether the mover's opponent had no legal move and passed, so the mover is to move again.</summary>
    public bool NextPlayerPassed { get; }

    /// <summary>The colour to move next.</summary>
    public OthelloColor SideToMove => Board.SideToMove;

    /// <summary>Legal moves of the player to move next (0 when the game is over).</summary>
    public ulong LegalMoves => Board.LegalMoves;

    /// <summary>Whether neither player can move.</summary>
    public bool IsGameOver => Board.IsGameOver;

    /// <summary>Number of discs flipped by the move.</summary>
    public int FlipCount => BitOperations.PopCount(Flipped);

    /// <summary>Mine / theirs / empty per square relative to <see cref="SideToMove"/>.</summary>
    public OthelloRelativeCell[] RelativeCells() => Board.RelativeCells();

    /// <summary>Black / white / empty per square.</summary>
    public OthelloAbsoluteCell[] AbsoluteCells() => Board.AbsoluteCells();

    /// <summary>Whether each square is a legal move for <see cref="SideToMove"/>.</summary>
    public bool[] LegalMoveCells() => Board.LegalMoveCells();

    /// <summary>Whether each square was flipped by the move.</summary>
    public bool[] FlippedCells()
    {
        var cells = new bool[64];
        for (ulong f = Flipped; f != 0; f &= f - 1) cells[BitOperations.TrailingZeroCount(f)] = true;
        return cells;
    }

    /// <inheritdoc/>
    public override string ToString() => $"move {MoveIndex + 1}: {Mover.Name()} {OthelloSquare.Name(Square)}, flipped {string.Join(' ', OthelloSquare.ToNames(Flipped))}";
}
