namespace SharpSight.Evals.Reporting;

/// <summary>Marker shapes for scatter points, each drawn centred on the point.</summary>
internal enum MarkerShape
{
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Hexagon,
}

/// <summary>How a group's markers are filled, so groups differ whatever the colour: solid, hollow, or half-transparent.</summary>
internal enum MarkerFill
{
    Solid,
    Hollow,
    Light,
}

/// <summary>The report's colours and marker styles.</summary>
internal static class Palette
{
    /// <summary>Ten distinguishable colours (Tableau 10).</summary>
    public static readonly IReadOnlyList<string> Colors =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    /// <summary>The i-th colour, cycling.</summary>
    public static string Color(int index) => Colors[index % Colors.Count];

    /// <summary>The i-th marker shape, cycling.</summary>
    public static MarkerShape Shape(int index) => (MarkerShape)(index % Enum.GetValues<MarkerShape>().Length);

    /// <summary>The i-th group's fill, cycling.</summary>
    public static MarkerFill Fill(int index) => (MarkerFill)(index % Enum.GetValues<MarkerFill>().Length);

    /// <summary>Draws a marker centred at (x, y), inside a translated group that carries the class and the tooltip.</summary>
    public static void Marker(SvgWriter svg, double x, double y, MarkerShape shape, string color, MarkerFill fill, string cssClass, string? title, double size = 5)
    {
        string fillColor = fill == MarkerFill.Hollow ? "#fff" : color;
        double opacity = fill == MarkerFill.Light ? 0.45 : 1;
        const double StrokeWidth = 1.6;
        svg.BeginGroup(x, y, cssClass, title);
        string Poly(params (double X, double Y)[] corners) =>
            "M" + string.Join(" L", corners.Select(c => SvgWriter.N(c.X) + " " + SvgWriter.N(c.Y))) + " Z";
        switch (shape)
        {
            case MarkerShape.Circle:
                svg.Circle(0, 0, size, fillColor, color, StrokeWidth, opacity: opacity);
                break;
            case MarkerShape.Square:
                svg.Rect(-size * 0.9, -size * 0.9, size * 1.8, size * 1.8, fillColor, color, StrokeWidth, opacity: opacity);
                break;
            case MarkerShape.TriangleUp:
                svg.Path(Poly((0, -size * 1.2), (size * 1.1, size * 0.8), (-size * 1.1, size * 0.8)), fillColor, color, StrokeWidth, opacity: opacity);
                break;
            case MarkerShape.TriangleDown:
                svg.Path(Poly((0, size * 1.2), (size * 1.1, -size * 0.8), (-size * 1.1, -size * 0.8)), fillColor, color, StrokeWidth, opacity: opacity);
                break;
            case MarkerShape.Diamond:
                svg.Path(Poly((0, -size * 1.25), (size * 1.1, 0), (0, size * 1.25), (-size * 1.1, 0)), fillColor, color, StrokeWidth, opacity: opacity);
                break;
            default:
                svg.Path(Poly(Enumerable.Range(0, 6).Select(i => (size * 1.1 * Math.Cos(i * Math.PI / 3), size * 1.1 * Math.Sin(i * Math.PI / 3))).ToArray()),
                    fillColor, color, StrokeWidth, opacity: opacity);
                break;
        }
        svg.EndGroup();
    }
}
