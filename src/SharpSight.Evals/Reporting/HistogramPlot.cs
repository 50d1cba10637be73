namespace SharpSight.Evals.Reporting;

/// <summary>A small histogram: bars between consecutive bin edges, heights the counts, linear axes.</summary>
internal static class HistogramPlot
{
    /// <summary>Whether edges and counts make a histogram: one more edge than counts, edges increasing, counts not negative.</summary>
    public static bool IsValid(IReadOnlyList<double> edges, IReadOnlyList<double> counts) =>
        counts.Count > 0 && edges.Count == counts.Count + 1 && counts.All(c => c >= 0)
        && edges.Zip(edges.Skip(1)).All(pair => pair.Second > pair.First);

    /// <summary>The plot's area inside an SVG of the given size.</summary>
    public static PlotArea AreaFor(double width, double height) => new(Left: 46, Top: 22, Width: width - 56, Height: height - 22 - 38);

    /// <summary>The histogram, or null when edges and counts do not make one (see <see cref="IsValid"/>).</summary>
    /// <param name="title">Title above the plot.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="edges">Bin edges, one more than the counts.</param>
    /// <param name="counts">Counts per bin.</param>
    /// <param name="width">The SVG's width.</param>
    /// <param name="height">The SVG's height.</param>
    public static string? Render(string title, string xTitle, IReadOnlyList<double> edges, IReadOnlyList<double> counts, double width = 280, double height = 170)
    {
        if (!IsValid(edges, counts)) return null;
        PlotArea area = AreaFor(width, height);
        var x = Axis.Linear(edges[0], edges[^1], area.Left, area.Right, targetTicks: 4);
        var y = Axis.Linear(0, Math.Max(1, counts.Max()), area.Bottom, area.Top, targetTicks: 4);
        var svg = new SvgWriter(width, height, $"{title}: histogram of {counts.Count} bins", "plot hist");
        PlotFrame.Title(svg, area, title, 11);
        PlotFrame.YAxis(svg, area, y, null, 9);
        PlotFrame.XAxis(svg, area, x, null, 9);
        svg.Text(area.Left + area.Width / 2, area.Bottom + 32, xTitle, 10, "middle");
        for (int i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0) continue;
            double left = x.ToPixel(edges[i]), right = x.ToPixel(edges[i + 1]), top = y.ToPixel(counts[i]);
            svg.Rect(left, top, Math.Max(0.5, right - left - 0.5), area.Bottom - top, "#4e79a7", cssClass: "bin",
                title: $"[{Html.Number(edges[i])}, {Html.Number(edges[i + 1])}): {Html.Number(counts[i], 0)}");
        }
        return svg.ToString();
    }
}
