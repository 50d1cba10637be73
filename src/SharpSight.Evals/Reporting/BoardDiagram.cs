using System.Text;
using SharpSight.Games.Othello;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// The geometry shared by the Othello and chess diagrams: an 8×8 board, rank 8 at the top and file a on the left (as the
/// project's text diagrams), files a–h labelled below and ranks 1–8 on the left. Squares are indexed a1 = 0, h1 = 7, a8 = 56.
/// </summary>
internal static class BoardDiagram
{
    /// <summary>A square's side in pixels.</summary>
    public const double Cell = 22;

    /// <summary>The board's left edge (room for rank labels).</summary>
    public const double Left = 16;

    /// <summary>The board's top edge.</summary>
    public const double Top = 4;

    /// <summary>The SVG's width.</summary>
    public const double Width = Left + 8 * Cell + 4;

    /// <summary>The SVG's height (board, file labels, a caption line).</summary>
    public const double Height = Top + 8 * Cell + 32;

    /// <summary>The top-left corner of a square.</summary>
    public static (double X, double Y) Corner(int square) => (Left + (square & 7) * Cell, Top + (7 - (square >> 3)) * Cell);

    /// <summary>The centre of a square.</summary>
    public static (double X, double Y) Center(int square)
    {
        (double x, double y) = Corner(square);
        return (x + Cell / 2, y + Cell / 2);
    }

    /// <summary>The square a property is about: its last word when that is a square name ("mine d3" → d3), else null.</summary>
    public static int? SquareOf(string? property)
    {
        if (property is null) return null;
        string last = property.Split([' ', '_', ':', '-'], StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return OthelloSquare.TryParse(last, out int square) ? square : null;
    }

    /// <summary>File letters below the board and rank numbers to its left.</summary>
    public static void Coordinates(SvgWriter svg)
    {
        for (int i = 0; i < 8; i++)
        {
            svg.Text(Left + i * Cell + Cell / 2, Top + 8 * Cell + 12, ((char)('a' + i)).ToString(), 10, "middle", fill: "#333");
            svg.Text(Left - 5, Top + (7 - i) * Cell + Cell / 2 + 3.5, ((char)('1' + i)).ToString(), 10, "end", fill: "#333");
        }
    }

    /// <summary>An outline around a square (the property the feature best matches).</summary>
    public static void Highlight(SvgWriter svg, int square, string title)
    {
        (double x, double y) = Corner(square);
        svg.Rect(x + 1.5, y + 1.5, Cell - 3, Cell - 3, "none", "#ffd400", 3, title, "highlight");
    }

    /// <summary>A caption line under the file labels.</summary>
    public static void Caption(SvgWriter svg, string caption) =>
        svg.Text(Left + 4 * Cell, Top + 8 * Cell + 27, caption, 10, "middle", fill: "#333");
}

/// <summary>An Othello position as an SVG: green board, black and white discs, legal moves as small dots.</summary>
internal static class OthelloBoardDiagram
{
    /// <summary>Whether a board string is 64 characters of 'B', 'W' and '.'.</summary>
    public static bool IsValid(string? board) => board is { Length: 64 } && board.All(c => c is 'B' or 'W' or '.');

    /// <summary>The diagram, or null when the board string is not valid (see <see cref="IsValid"/>).</summary>
    /// <param name="board">64 characters, index = square: 'B' black, 'W' white, '.' empty.</param>
    /// <param name="legal">Names of the legal moves of the player to move (names that are not squares are skipped).</param>
    /// <param name="highlight">The square to outline, or null.</param>
    /// <param name="highlightTitle">The outline's tooltip.</param>
    /// <param name="toMove">The player to move ("black" or "white"), or null.</param>
    public static string? Render(string? board, IEnumerable<string> legal, int? highlight, string highlightTitle, string? toMove)
    {
        if (!IsValid(board)) return null;
        var svg = new SvgWriter(BoardDiagram.Width, BoardDiagram.Height, "Othello board", "board");
        svg.Rect(BoardDiagram.Left, BoardDiagram.Top, 8 * BoardDiagram.Cell, 8 * BoardDiagram.Cell, "#2e7d32", "#14451a", 1.5);
        // The grid as one path, the discs and legal-move dots painted by class: a dashboard holds many boards.
        var grid = new StringBuilder();
        for (int i = 1; i < 8; i++)
        {
            double offset = i * BoardDiagram.Cell;
            grid.Append('M').Append(SvgWriter.N(BoardDiagram.Left + offset)).Append(' ').Append(SvgWriter.N(BoardDiagram.Top)).Append('v').Append(SvgWriter.N(8 * BoardDiagram.Cell))
                .Append('M').Append(SvgWriter.N(BoardDiagram.Left)).Append(' ').Append(SvgWriter.N(BoardDiagram.Top + offset)).Append('h').Append(SvgWriter.N(8 * BoardDiagram.Cell));
        }
        svg.Path(grid.ToString(), "none", "#1b5e20");
        for (int square = 0; square < 64; square++)
        {
            if (board![square] == '.') continue;
            (double x, double y) = BoardDiagram.Center(square);
            bool black = board[square] == 'B';
            svg.StyledCircle(x, y, BoardDiagram.Cell * 0.4, black ? "disc-black" : "disc-white");
        }
        foreach (string move in legal)
        {
            if (!OthelloSquare.TryParse(move, out int square) || board![square] != '.') continue;
            (double x, double y) = BoardDiagram.Center(square);
            svg.StyledCircle(x, y, 2.8, "legal");
        }
        if (highlight is { } h) BoardDiagram.Highlight(svg, h, highlightTitle);
        BoardDiagram.Coordinates(svg);
        if (toMove is not null) BoardDiagram.Caption(svg, $"{toMove} to move");
        return svg.ToString();
    }
}

/// <summary>A chess position (from a FEN) as an SVG: light and dark squares and Unicode piece glyphs.</summary>
internal static class ChessBoardDiagram
{
    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['K'] = "\u2654", ['Q'] = "\u2655", ['R'] = "\u2656", ['B'] = "\u2657", ['N'] = "\u2658", ['P'] = "\u2659",
        // The black pawn has an emoji form; the text variation selector keeps it a plain glyph.
        ['k'] = "\u265A", ['q'] = "\u265B", ['r'] = "\u265C", ['b'] = "\u265D", ['n'] = "\u265E", ['p'] = "\u265F\uFE0E",
    };

    /// <summary>The 64 squares of a FEN's piece placement (index = square, ' ' empty), or null when it is not valid.</summary>
    public static char[]? Squares(string? fen)
    {
        string[] ranks = (fen ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split('/') ?? [];
        if (ranks.Length != 8) return null;
        var squares = new char[64];
        for (int row = 0; row < 8; row++)
        {
            int rank = 7 - row, file = 0;
            foreach (char c in ranks[row])
            {
                if (c is >= '1' and <= '8')
                {
                    for (int n = 0; n < c - '0' && file < 8; n++) squares[rank * 8 + file++] = ' ';
                }
                else if (Glyphs.ContainsKey(c) && file < 8) squares[rank * 8 + file++] = c;
                else return null;
            }
            if (file != 8) return null;
        }
        return squares;
    }

    /// <summary>The diagram, or null when the FEN's placement is not valid.</summary>
    /// <param name="fen">The position.</param>
    /// <param name="highlight">The square to outline, or null.</param>
    /// <param name="highlightTitle">The outline's tooltip.</param>
    public static string? Render(string? fen, int? highlight, string highlightTitle)
    {
        if (Squares(fen) is not { } squares) return null;
        var svg = new SvgWriter(BoardDiagram.Width, BoardDiagram.Height, "chess board", "board");
        for (int square = 0; square < 64; square++)
        {
            (double x, double y) = BoardDiagram.Corner(square);
            bool dark = ((square & 7) + (square >> 3)) % 2 == 0;
            svg.Rect(x, y, BoardDiagram.Cell, BoardDiagram.Cell, dark ? "#b58863" : "#f0d9b5");
        }
        for (int square = 0; square < 64; square++)
        {
            if (squares[square] == ' ') continue;
            (double x, double y) = BoardDiagram.Center(square);
            svg.Text(x, y + BoardDiagram.Cell * 0.3, Glyphs[squares[square]], BoardDiagram.Cell * 0.82, "middle", fill: "#000",
                cssClass: char.IsUpper(squares[square]) ? "piece piece-white" : "piece piece-black");
        }
        if (highlight is { } h) BoardDiagram.Highlight(svg, h, highlightTitle);
        BoardDiagram.Coordinates(svg);
        string? side = (fen ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        if (side is "w" or "b") BoardDiagram.Caption(svg, side == "w" ? "white to move" : "black to move");
        return svg.ToString();
    }
}
