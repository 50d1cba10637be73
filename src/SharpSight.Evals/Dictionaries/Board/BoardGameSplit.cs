using SharpSight.Games.Chess;
using SharpSight.Games.Othello;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>The board at one read point, as a dashboard shows it.</summary>
internal sealed record BoardView(string ToMove, string? Board, IReadOnlyList<string>? Legal, string? Fen);

/// <summary>
/// One split (train or test) of one game's games, as the board evaluation sees it: each game's model input, the token
/// positions where the model is read (the rows of the metrics, games in order), the properties there, and how to show a
/// board. Row r is read point <c>Locate(r)</c>.
/// </summary>
internal abstract class BoardGameSplit
{
    private int[] _rowStart = [0];   // [games + 1]

    /// <summary>"othello" or "chess".</summary>
    public abstract string Game { get; }

    /// <summary>Number of games.</summary>
    public abstract int Games { get; }

    /// <summary>The token the model input is padded with after a game ends (the model is causal, so it never affects a real position).</summary>
    public abstract long PadId { get; }

    /// <summary>Groups of properties fitted together by one linear probe: several groups are the classes of one multi-class probe per square; a single group is a 2-class probe.</summary>
    public abstract IReadOnlyList<IReadOnlyList<string>> ProbeHeads { get; }

    /// <summary>The model input of a game.</summary>
    public abstract long[] TokenIds(int game);

    /// <summary>The text of each token of a game.</summary>
    public abstract IReadOnlyList<string> TokenTexts(int game);

    /// <summary>The token positions read in a game, ascending.</summary>
    public abstract int[] ReadIndices(int game);

    /// <summary>The properties of every read point, games in order.</summary>
    public abstract BoardProperties Properties();

    /// <summary>The board at read point <paramref name="ordinal"/> of a game.</summary>
    public abstract BoardView Describe(int game, int ordinal);

    /// <summary>Number of read points (rows).</summary>
    public int Rows => RowStart[^1];

    /// <summary>The game and read-point ordinal of a row.</summary>
    public (int Game, int Ordinal) Locate(int row)
    {
        int at = Array.BinarySearch(RowStart, row);
        int game = at >= 0 ? at : ~at - 1;
        while (RowStart[game + 1] == row) game++;   // skip games without read points
        return (game, row - RowStart[game]);
    }

    private int[] RowStart
    {
        get
        {
            if (_rowStart.Length != Games + 1)
            {
                var start = new int[Games + 1];
                for (int g = 0; g < Games; g++) start[g + 1] = start[g] + ReadIndices(g).Length;
                _rowStart = start;
            }
            return _rowStart;
        }
    }
}

/// <summary>Othello games: one token per move, every move read (<see cref="OthelloBoardProperties"/>).</summary>
internal sealed class OthelloGameSplit(IReadOnlyList<OthelloGame> games) : BoardGameSplit
{
    private readonly OthelloBoardState[]?[] _states = new OthelloBoardState[games.Count][];

    public override string Game => "othello";

    public override int Games => games.Count;

    public override long PadId => OthelloVocabulary.Pad;

    public override IReadOnlyList<IReadOnlyList<string>> ProbeHeads { get; } = [["empty", "mine", "theirs"], ["legal"]];

    public override long[] TokenIds(int game) => [.. OthelloVocabulary.Encode(games[game]).Select(t => (long)t)];

    public override IReadOnlyList<string> TokenTexts(int game) => [.. OthelloVocabulary.Encode(games[game]).Select(OthelloVocabulary.TokenName)];

    public override int[] ReadIndices(int game) => [.. Enumerable.Range(0, games[game].MoveCount)];

    public override BoardProperties Properties() => OthelloBoardProperties.For(games);

    public override BoardView Describe(int game, int ordinal)
    {
        OthelloBoard board = (_states[game] ??= OthelloVocabulary.StatesAfterEachMove(games[game]))[ordinal].Board;
        var squares = new char[64];
        for (int sq = 0; sq < 64; sq++) squares[sq] = board.ColorAt(sq) switch { OthelloColor.Black => 'B', OthelloColor.White => 'W', _ => '.' };
        return new BoardView(board.SideToMove == OthelloColor.Black ? "black" : "white", new string(squares), OthelloSquare.ToNames(board.LegalMoves), null);
    }
}

/// <summary>Chess games as the character-level model reads them, read at the '.' characters (<see cref="ChessBoardProperties"/>).</summary>
internal sealed class ChessGameSplit : BoardGameSplit
{
    private readonly ChessReadPoints[] _points;

    public ChessGameSplit(IReadOnlyList<PgnGame> games, int contextWidth) =>
        _points = [.. games.Select(g => ChessBoardProperties.ReadPoints(g, contextWidth))];

    public override string Game => "chess";

    public override int Games => _points.Length;

    public override long PadId => SharpSight.Games.Training.ChessTrainingData.Pad;

    public override IReadOnlyList<IReadOnlyList<string>> ProbeHeads { get; } = [ChessBoardProperties.Groups];

    public override long[] TokenIds(int game) => [.. ChessVocabulary.Encode(_points[game].Transcript).Select(t => (long)t)];

    public override IReadOnlyList<string> TokenTexts(int game) => [.. _points[game].Transcript.Select(c => c.ToString())];

    public override int[] ReadIndices(int game) => _points[game].Indices;

    public override BoardProperties Properties() => ChessBoardProperties.For(_points);

    public override BoardView Describe(int game, int ordinal)
    {
        Position position = _points[game].Positions[ordinal];
        return new BoardView(position.SideToMove == Color.White ? "white" : "black", null, null, position.ToFen());
    }
}
