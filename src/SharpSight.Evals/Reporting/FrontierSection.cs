using System.Text;

namespace SharpSight.Evals.Reporting;

/// <summary>The sparsity–fidelity frontier: L0 (log) against FVE and against loss recovered, one point per dictionary.</summary>
internal static class FrontierSection
{
    public static void Write(StringBuilder html, ResultSet results)
    {
        html.Append("<section id=\"frontier\"><h2>Sparsity–fidelity frontier</h2>");
        IReadOnlyList<string> architectures = ReportMetrics.Architectures(results);
        IReadOnlyList<string> groups = results.Groups;
        var dictionaries = results.Dictionaries.Where(d => !d.IsLinearProbe && d.Core is not null).ToArray();
        if (dictionaries.Length == 0)
        {
            html.Append("<p class=\"note\">No core results.</p></section>");
            return;
        }
        html.Append("<div class=\"plots\">");
        foreach (MetricColumn metric in new[] { ReportMetrics.ExplainedVariance, ReportMetrics.LossRecovered })
        {
            var points = new List<ScatterPoint>();
            var left = new List<string>();
            foreach (DictionaryResults d in dictionaries)
            {
                if (ReportMetrics.L0.Value(d) is { } l0 && l0 > 0 && metric.Value(d) is { } y)
                    points.Add(new ScatterPoint(d.Name, l0, y, ReportMetrics.ArchitectureOf(d), d.Group));
                else left.Add($"{d.Name} ({Html.GroupName(d.Group)})");
            }
            html.Append("<figure>");
            string? svg = ScatterPlot.Render($"L0 against {metric.Header}", "L0", metric.Header, points, architectures, groups);
            html.Append(svg ?? $"<p class=\"note\">No dictionary has both L0 and {Html.Escape(metric.Header)}.</p>");
            if (left.Count > 0)
                html.Append("<figcaption class=\"note\">Not shown (L0 missing or not above 0, or ").Append(Html.Escape(metric.Header))
                    .Append(" missing): ").Append(Html.Escape(string.Join(", ", left))).Append("</figcaption>");
            html.Append("</figure>");
        }
        html.Append("</div></section>");
    }
}
