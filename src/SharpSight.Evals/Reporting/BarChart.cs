namespace SharpSight.Evals.Reporting;

/// <summary>A bar series: one bar per category in this colour.</summary>
internal sealed record BarSeries(string Name, string Color);

/// <summary>A category (a dictionary): its label, its group, and one value per series (null: no bar).</summary>
internal sealed record BarCategory(string Label, string Group, IReadOnlyList<double?> Values);

/// <summary>A dashed reference level drawn across the categories of one group (e.g. the linear probe's coverage).</summary>
internal sealed record ReferenceLine(string Label, double Value, string Group, string Color);

/// <summary>
/// A grouped bar chart: categories side by side, clustered by group (with the group's name under its cluster), one bar
/// per series in each category, reference lines across each group, and a legend on the right. The y axis starts at 0
/// and reaches at least 1 (the charted values are fractions).
/// </summary>
internal static class BarChart
{
    private const double Left = 64, Top = 34, BarWidth = 12, CategoryGap = 14, GroupGap = 22, LegendWidth = 230, PlotHeight = 220;

    /// <summary>The chart, or null when there are no categories.</summary>
    public static string? Render(string title, string yTitle, IReadOnlyList<BarSeries> series, IReadOnlyList<BarCategory> categories,
        IReadOnlyList<ReferenceLine> references)
    {
        if (categories.Count == 0) return null;
        double categoryWidth = series.Count * BarWidth + CategoryGap;
        // Category positions: left edges, with a wider gap where the group changes.
        var lefts = new double[categories.Count];
        double cursor = Left + CategoryGap / 2;
        for (int i = 0; i < categories.Count; i++)
        {
            if (i > 0 && categories[i].Group != categories[i - 1].Group) cursor += GroupGap;
            lefts[i] = cursor;
            cursor += categoryWidth;
        }
        var area = new PlotArea(Left, Top, Math.Max(160, cursor + CategoryGap / 2 - Left), PlotHeight);
        // Labels are rotated 40°: about 5.6 px per character, sin 40° ≈ 0.64 of that downwards.
        double labelDepth = Math.Clamp(categories.Max(c => c.Label.Length) * 3.6 + 10, 30, 150);
        int legendRows = series.Count + references.Select(r => (r.Label, r.Color)).Distinct().Count();
        double height = Math.Max(area.Bottom + labelDepth + 30, Top + 16 * (legendRows + 1));
        double maxValue = categories.SelectMany(c => c.Values).OfType<double>().Concat(references.Select(r => r.Value)).DefaultIfEmpty(1).Max();
        var y = Axis.Linear(0, Math.Max(1, maxValue), area.Bottom, area.Top);

        var svg = new SvgWriter(area.Right + LegendWidth, height, $"{title}: {categories.Count} categories", "plot");
        PlotFrame.Title(svg, area, title);
        PlotFrame.YAxis(svg, area, y, yTitle);
        svg.Line(area.Left, area.Bottom, area.Right, area.Bottom, "#555");
        for (int i = 0; i < categories.Count; i++)
        {
            BarCategory category = categories[i];
            for (int s = 0; s < series.Count; s++)
            {
                double barLeft = lefts[i] + s * BarWidth;
                if (s < category.Values.Count && category.Values[s] is { } value)
                {
                    double top = y.ToPixel(value);
                    svg.Rect(barLeft, top, BarWidth - 1, area.Bottom - top, series[s].Color, cssClass: "bar",
                        title: $"{category.Label} ({Html.GroupName(category.Group)}): {series[s].Name} {Html.Number(value)}");
                }
                else
                {
                    svg.Text(barLeft + BarWidth / 2, area.Bottom - 3, Html.Missing, 8, "middle", fill: "#999");
                }
            }
            double labelX = lefts[i] + series.Count * BarWidth / 2;
            svg.Text(labelX, area.Bottom + 12, category.Label, 9.5, "end", rotate: -40);
        }
        DrawGroups(svg, area, categories, lefts, categoryWidth - CategoryGap, labelDepth, references, y);
        Legend(svg, area.Right + 20, Top, series, references);
        return svg.ToString();
    }

    private static void DrawGroups(SvgWriter svg, PlotArea area, IReadOnlyList<BarCategory> categories, double[] lefts, double barsWidth,
        double labelDepth, IReadOnlyList<ReferenceLine> references, Axis y)
    {
        foreach (string group in categories.Select(c => c.Group).Distinct())
        {
            int first = categories.ToList().FindIndex(c => c.Group == group);
            int last = categories.ToList().FindLastIndex(c => c.Group == group);
            double from = lefts[first] - 4, to = lefts[last] + barsWidth + 4;
            foreach (ReferenceLine reference in references.Where(r => r.Group == group))
            {
                double py = y.ToPixel(reference.Value);
                svg.Line(from, py, to, py, reference.Color, 2, "6 3",
                    $"{reference.Label} ({Html.GroupName(group)}): {Html.Number(reference.Value)}");
            }
            double bracketY = area.Bottom + labelDepth + 6;
            svg.Line(from, bracketY, to, bracketY, "#888");
            svg.Text((from + to) / 2, bracketY + 14, Html.GroupName(group), 10.5, "middle", bold: true);
        }
    }

    private static void Legend(SvgWriter svg, double left, double top, IReadOnlyList<BarSeries> series, IReadOnlyList<ReferenceLine> references)
    {
        double row = top;
        foreach (BarSeries s in series)
        {
            svg.Rect(left, row - 9, 10, 10, s.Color);
            svg.Text(left + 16, row, s.Name, 10);
            row += 16;
        }
        foreach ((string label, string color) in references.Select(r => (r.Label, r.Color)).Distinct())
        {
            svg.Line(left - 2, row - 4, left + 12, row - 4, color, 2, "6 3");
            svg.Text(left + 16, row, label, 10);
            row += 16;
        }
    }
}
