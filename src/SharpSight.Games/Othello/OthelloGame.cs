namespace SharpSight.Games.Othello;

/// <summary>
/// A legal Othello game from the standard start: the squares played in order, passes implicit (a player without a
/// legal move passes automatically). Every instance has been replayed and validated. The game need not be finished.
/// </summary>
public sealed class OthelloGame
{
    /// <summary>The most moves a game can have (60 empty squares at the start).</summary>
    public const int MaxMoves = 60;

    private readonly byte[] squares;

    private OthelloGame(byte[] squares, OthelloBoard finalBoard, int passCount, string? id)
    {
        this.squares = squares;
        FinalBoard = finalBoard;
        PassCount = passCount;
        Id = id;
    }

    /// <summary>An identifier (e.g. the eOthello game id), or null.</summary>
    public string? Id { get; }

    /// <summary>Number of moves (passes not counted).</summary>
    public int MoveCount => squares.Length;

    /// <summary>The square of move <paramref name="index"/> (0-based).</summary>
    /// <param name="index">0-based move index.</param>
    public int this[int index] => squares[index];

    /// <summary>The squares played, one byte (0..63) per move.</summary>
    public ReadOnlySpan<byte> Squares => squares;

    /// <summary>The squares played as a new array of ints.</summary>
    public int[] Moves() => Array.ConvertAll(squares, static b => (int)b);

    /// <summary>The position after the last move, with a forced pass applied.</summary>
    public OthelloBoard FinalBoard { get; }

    /// <summary>Number of forced passes during the game (including one after the last move).</summary>
    public int PassCount { get; }

    /// <summary>Whether neither player can move at the end.</summary>
    public bool IsFinished => FinalBoard.IsGameOver;

    /// <summary>The result by final disc count.</summary>
    public OthelloOutcome Outcome => FinalBoard.Outcome;

    /// <summary>The same moves under another id.</summary>
    /// <param name="id">The new id, or null.</param>
    public OthelloGame WithId(string? id) => new(squares, FinalBoard, PassCount, id);

    /// <summary>Whether two games have the same moves (ids are ignored).</summary>
    /// <param name="other">Another game.</param>
    public bool SameMoves(OthelloGame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return squares.AsSpan().SequenceEqual(other.squares);
    }

    /// <summary>Replays and validates squares from the start.</summary>
    /// <param name="moves">Square indices 0..63 in move order.</param>
    /// <param name="source">Names the record in error messages, e.g. "games.csv line 3, game 2 (id 1050515)".</param>
    /// <param name="id">The game's id, or null.</param>
    /// <exception cref="GameRecordException">A square is out of range, a move is illegal or comes after the end.</exception>
    public static OthelloGame FromMoves(IEnumerable<int> moves, string source = "game", string? id = null)
    {
        ArgumentNullException.ThrowIfNull(moves);
        var replay = new Replay(source);
        foreach (int square in moves)
        {
            if ((uint)square > 63)
                throw new GameRecordException($"{source}, move {replay.Count + 1}: '{square}' is not a square index (0..63)");
            replay.Play(square, square.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return replay.ToGame(id);
    }

    /// <summary>Replays and validates square bytes (0..63) from the start.</summary>
    /// <param name="moves">Square indices in move order.</param>
    /// <param name="source">Names the record in error messages.</param>
    /// <param name="id">The game's id, or null.</param>
    /// <exception cref="GameRecordException">A square is out of range, a move is illegal or comes after the end.</exception>
    public static OthelloGame FromMoves(ReadOnlySpan<byte> moves, string source = "game", string? id = null)
    {
        var replay = new Replay(source);
        foreach (byte square in moves)
        {
            if (square > 63) throw new GameRecordException($"{source}, move {replay.Count + 1}: '{square}' is not a square index (0..63)");
            replay.Play(square, null);
        }
        return replay.ToGame(id);
    }

    /// <summary>Builds a game already known to be legal (random generation).</summary>
    internal static OthelloGame Trusted(byte[] squares, OthelloBoard finalBoard, int passCount) => new(squares, finalBoard, passCount, null);

    /// <summary>The start position followed by the position after each move (forced passes applied): MoveCount + 1 boards.</summary>
    public IEnumerable<OthelloBoard> Positions()
    {
        var board = OthelloBoard.Start;
        yield return board;
        foreach (byte square in squares)
        {
            board = AfterMove(board, square, out _, out _);
            yield return board;
        }
    }

    /// <summary>The state after each move, one per move (= per token of <see cref="OthelloVocabulary.Encode(OthelloGame)"/>).</summary>
    public OthelloBoardState[] StatesAfterEachMove()
    {
        var states = new OthelloBoardState[squares.Length];
        var board = OthelloBoard.Start;
        for (int i = 0; i < squares.Length; i++)
        {
            OthelloColor mover = board.SideToMove;
            board = AfterMove(board, squares[i], out ulong flips, out bool passed);
            states[i] = new OthelloBoardState(i, squares[i], mover, board, flips, passed);
        }
        return states;
    }

    /// <summary>Plays a move known to be legal, then a forced pass if the next player has no move but the mover has.</summary>
    internal static OthelloBoard AfterMove(OthelloBoard board, int square, out ulong flips, out bool passed)
    {
        flips = OthelloBoard.ComputeFlips(board.Mine, board.Theirs, square);
        board = board.PlayUnchecked(square, flips);
        passed = OthelloBoard.GenerateMoves(board.Mine, board.Theirs) == 0 && OthelloBoard.GenerateMoves(board.Theirs, board.Mine) != 0;
        return passed ? board.Pass() : board;
    }

    /// <summary>Incremental validating replay shared by the parsers.</summary>
    internal struct Replay
    {
        private readonly string source;
        private byte[] moves;
        private OthelloBoard board;
        private int passes;

        public Replay(string source)
        {
            this.source = source;
            moves = new byte[MaxMoves];
            board = OthelloBoard.Start;
            Count = 0;
            passes = 0;
        }

        public int Count { get; private set; }

        public readonly OthelloBoard Board => board;

        /// <summary>Plays square; <paramref name="text"/> is how the record spelled it (null: the square name).</summary>
        public void Play(int square, string? text)
        {
            ulong legal = board.LegalMoves;
            ulong bit = 1UL << square;
            if ((legal & bit) == 0)
            {
                string shown = text is null ? OthelloSquare.Name(square) : text == OthelloSquare.Name(square) ? text : $"{text}' ('{OthelloSquare.Name(square)}";
                string why = legal == 0
                    ? $"the game is over ({board.BlackCount}-{board.WhiteCount} black-white after {Count} moves)"
                    : (board.Empty & bit) == 0
                        ? $"{OthelloSquare.Name(square)} is occupied by {board.ColorAt(square)!.Value.Name()}; {board.SideToMove.Name()} may play {string.Join(' ', OthelloSquare.ToNames(legal))}"
                        : $"it flips nothing for {board.SideToMove.Name()}; {board.SideToMove.Name()} may play {string.Join(' ', OthelloSquare.ToNames(legal))}";
                throw new GameRecordException($"{source}, move {Count + 1}: '{shown}' is illegal: {why}");
            }
            board = AfterMove(board, square, out _, out bool passed);
            if (passed) passes++;
            moves[Count++] = (byte)square;
        }

        public readonly OthelloGame ToGame(string? id) => new(moves.AsSpan(0, Count).ToArray(), board, passes, id);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Id is null ? "" : Id + ": ")}{OthelloTranscript.Write(this)} ({FinalBoard.BlackCount}-{FinalBoard.WhiteCount}{(IsFinished ? "" : ", unfinished")})";
}
