using System.Globalization;

namespace SharpSight.Evals.Reporting;

/// <summary>One dictionary's point: its name, position, and the architecture and group that choose its marker.</summary>
internal sealed record ScatterPoint(string Label, double X, double Y, string Architecture, string Group);

/// <summary>
/// A labelled scatter plot with a log x axis and a linear y axis: marker shape and colour by architecture, fill by group
/// (solid, hollow, light), and a legend for both on the right.
/// </summary>
internal static class ScatterPlot
{
    /// <summary>The SVG's width.</summary>
    public const double Width = 640;

    /// <summary>Where the data is drawn; the legend sits to its right.</summary>
    public static readonly PlotArea Area = new(Left: 64, Top: 34, Width: 380, Height: 266);

    private const double LegendRow = 16;

    /// <summary>The plot, or null when there are no points.</summary>
    /// <param name="title">The plot's title.</param>
    /// <param name="xTitle">The x axis's title (a log axis: x must be above 0).</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <param name="points">The points.</param>
    /// <param name="architectures">Every architecture in the report, in order (keeps styles the same across plots).</param>
    /// <param name="groups">Every group in the report, in order.</param>
    public static string? Render(string title, string xTitle, string yTitle, IReadOnlyList<ScatterPoint> points,
        IReadOnlyList<string> architectures, IReadOnlyList<string> groups)
    {
        if (points.Count == 0) return null;
        var x = Axis.Log10(points.Min(p => p.X), points.Max(p => p.X), Area.Left, Area.Right);
        var y = Axis.Linear(points.Min(p => p.Y), points.Max(p => p.Y), Area.Bottom, Area.Top);
        double height = Math.Max(Area.Bottom + 60, Area.Top + LegendRow * (architectures.Count + groups.Count + 3));
        var svg = new SvgWriter(Width, height, $"{title}: {points.Count} dictionaries", "plot");
        PlotFrame.Title(svg, Area, title);
        PlotFrame.YAxis(svg, Area, y, yTitle);
        PlotFrame.XAxis(svg, Area, x, xTitle + " (log scale)");
        foreach (ScatterPoint point in points)
        {
            double px = x.ToPixel(point.X), py = y.ToPixel(point.Y);
            int architecture = Index(architectures, point.Architecture);
            string tooltip = string.Create(CultureInfo.InvariantCulture,
                $"{point.Label} ({point.Group}, {point.Architecture}): {xTitle} {Html.Number(point.X)}, {yTitle} {Html.Number(point.Y)}");
            Palette.Marker(svg, px, py, Palette.Shape(architecture), Palette.Color(architecture), Palette.Fill(Index(groups, point.Group)), "pt", tooltip);
            svg.Text(px + 7, py - 6, point.Label, 9, fill: "#444");
        }
        Legend(svg, architectures.Where(a => points.Any(p => p.Architecture == a)).ToArray(), architectures, groups, points.Select(p => p.Group).ToHashSet());
        return svg.ToString();
    }

    // Only what the plot shows is listed, each with the style it has in every plot of the report.
    private static void Legend(SvgWriter svg, IReadOnlyList<string> architectures, IReadOnlyList<string> allArchitectures, IReadOnlyList<string> groups,
        IReadOnlySet<string> shownGroups)
    {
        double left = Area.Right + 24, row = Area.Top;
        svg.Text(left, row, "architecture", 10, bold: true);
        foreach (string architecture in architectures)
        {
            row += LegendRow;
            int i = Index(allArchitectures, architecture);
            Palette.Marker(svg, left + 6, row - 4, Palette.Shape(i), Palette.Color(i), MarkerFill.Solid, "legend-mark", null, 4.5);
            svg.Text(left + 18, row, architecture, 10);
        }
        row += LegendRow * 1.5;
        svg.Text(left, row, "group", 10, bold: true);
        for (int i = 0; i < groups.Count; i++)
        {
            if (!shownGroups.Contains(groups[i])) continue;
            row += LegendRow;
            Palette.Marker(svg, left + 6, row - 4, MarkerShape.Circle, "#555", Palette.Fill(i), "legend-mark", null, 4.5);
            svg.Text(left + 18, row, Html.GroupName(groups[i]), 10);
        }
    }

    private static int Index(IReadOnlyList<string> list, string item) => Math.Max(0, list.ToList().IndexOf(item));
}
