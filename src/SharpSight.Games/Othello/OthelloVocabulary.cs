namespace SharpSight.Games.Othello;

/// <summary>
/// The Othello-GPT token vocabulary (Li et al. 2023): one token per move, 61 ids. Id 0 = <c>&lt;pad&gt;</c> (padding
/// after the end of a game; passes are implicit and have no token, as in the paper's synthetic dataset); ids 1..60 =
/// the 60 playable squares in index order a1, b1, ..., h1, a2, ..., h8, skipping the centre squares d4, e4, d5, e5
/// (so a1 = 1, h1 = 8, a4 = 25, c4 = 27, f4 = 28, h8 = 60). Token position <c>t</c> of <see cref="Encode(OthelloGame)"/> is
/// move <c>t</c>, and <see cref="StatesAfterEachMove"/>[t] is the board after it.
/// </summary>
public static class OthelloVocabulary
{
    /// <summary>Number of token ids (pad + 60 squares).</summary>
    public const int Size = 61;

    /// <summary>The padding token.</summary>
    public const int Pad = 0;

    private static readonly int[] TokenBySquare = BuildTokens();
    private static readonly int[] SquareByToken = BuildSquares();

    private static bool IsCentre(int square) => square is 27 or 28 or 35 or 36;

    private static int[] BuildTokens()
    {
        var tokens = new int[64];
        int next = 1;
        for (int sq = 0; sq < 64; sq++) tokens[sq] = IsCentre(sq) ? -1 : next++;
        return tokens;
    }

    private static int[] BuildSquares()
    {
        var squares = new int[Size];
        squares[Pad] = -1;
        int[] tokens = BuildTokens();
        for (int sq = 0; sq < 64; sq++)
            if (!IsCentre(sq)) squares[tokens[sq]] = sq;
        return squares;
    }

    /// <summary>The token of a playable square (1..60).</summary>
    /// <param name="square">Square index 0..63, not a centre square.</param>
    public static int TokenOf(int square)
    {
        if ((uint)square > 63 || TokenBySquare[square] < 0)
            throw new ArgumentOutOfRangeException(nameof(square), $"square {square} has no token (centre squares d4 e4 d5 e5 are never played)");
        return TokenBySquare[square];
    }

    /// <summary>The square of a move token (1..60).</summary>
    /// <param name="token">A token id 1..60.</param>
    public static int SquareOf(int token)
    {
        if (token is < 1 or >= Size) throw new ArgumentOutOfRangeException(nameof(token), $"token {token} is not a square token (1..60)");
        return SquareByToken[token];
    }

    /// <summary>A token's text: "&lt;pad&gt;" or the square name.</summary>
    /// <param name="token">A token id 0..60.</param>
    public static string TokenName(int token) => token == Pad ? "<pad>" : OthelloSquare.Name(SquareOf(token));

    /// <summary>One token per move.</summary>
    /// <param name="game">A game.</param>
    public static int[] Encode(OthelloGame game)
    {
        ArgumentNullException.ThrowIfNull(game);
        var tokens = new int[game.MoveCount];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = TokenBySquare[game[i]];
        return tokens;
    }

    /// <summary>One token per move, then <see cref="Pad"/> up to <paramref name="length"/>.</summary>
    /// <param name="game">A game.</param>
    /// <param name="length">The sequence length, at least the move count.</param>
    public static int[] Encode(OthelloGame game, int length)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, game.MoveCount);
        var tokens = new int[length];
        for (int i = 0; i < game.MoveCount; i++) tokens[i] = TokenBySquare[game[i]];
        return tokens;
    }

    /// <summary>Replays a token sequence; trailing pad tokens end the game.</summary>
    /// <param name="tokens">Token ids.</param>
    /// <param name="source">Names the sequence in error messages.</param>
    /// <exception cref="GameRecordException">An id outside 0..60, a move token after padding, or an illegal move.</exception>
    public static OthelloGame Decode(ReadOnlySpan<int> tokens, string source = "tokens")
    {
        int end = tokens.Length;
        while (end > 0 && tokens[end - 1] == Pad) end--;
        var replay = new OthelloGame.Replay(source);
        for (int i = 0; i < end; i++)
        {
            int token = tokens[i];
            if (token == Pad)
                throw new GameRecordException($"{source}, move {i + 1}: '<pad>' (token 0) comes before the last move token");
            if ((uint)token >= Size)
                throw new GameRecordException($"{source}, move {i + 1}: '{token}' is not a token id (0..{Size - 1})");
            int square = SquareByToken[token];
            replay.Play(square, $"{OthelloSquare.Name(square)}");
        }
        return replay.ToGame(null);
    }

    /// <summary>The board state after each move; element t labels token position t.</summary>
    /// <param name="game">A game.</param>
    public static OthelloBoardState[] StatesAfterEachMove(OthelloGame game)
    {
        ArgumentNullException.ThrowIfNull(game);
        return game.StatesAfterEachMove();
    }
}
