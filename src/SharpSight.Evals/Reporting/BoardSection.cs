using System.Text;
using System.Text.Json.Nodes;

namespace SharpSight.Evals.Reporting;

/// <summary>Board metrics: coverage and board reconstruction per dictionary (linear probe as reference lines), and coverage per property group.</summary>
internal static class BoardSection
{
    // The contract's Othello groups come first; other groups (chess piece planes) follow in order of appearance.
    private static readonly string[] KnownGroups = ["mine", "theirs", "empty", "legal"];

    public static void Write(StringBuilder html, ResultSet results)
    {
        html.Append("<section id=\"board\"><h2>Board metrics</h2>");
        var withBoard = results.Dictionaries.Where(d => d.Board is not null).ToArray();
        if (withBoard.Length == 0)
        {
            html.Append("<p class=\"note\">No board results.</p></section>");
            return;
        }
        BarSeries[] series = [new(ReportMetrics.Coverage.Header, Palette.Color(0)), new(ReportMetrics.BoardReconstruction.Header, Palette.Color(1))];
        var categories = withBoard.Where(d => !d.IsLinearProbe)
            .Select(d => new BarCategory(d.Name, d.Group, [ReportMetrics.Coverage.Value(d), ReportMetrics.BoardReconstruction.Value(d)]))
            .ToArray();
        var references = new List<ReferenceLine>();
        foreach (DictionaryResults probe in withBoard.Where(d => d.IsLinearProbe))
        {
            if (ReportMetrics.Coverage.Value(probe) is { } coverage)
                references.Add(new ReferenceLine("linear probe: coverage", coverage, probe.Group, "#1f3d5c"));
            if (ReportMetrics.BoardReconstruction.Value(probe) is { } reconstruction)
                references.Add(new ReferenceLine("linear probe: board reconstruction", reconstruction, probe.Group, "#9a4a05"));
        }
        html.Append("<figure>")
            .Append(BarChart.Render("Coverage and board reconstruction", "score", series, categories, references)
                ?? "<p class=\"note\">Only the linear-probe reference has board results (see the table).</p>")
            .Append("</figure>");
        WriteGroupTable(html, withBoard);
        html.Append("</section>");
    }

    private static void WriteGroupTable(StringBuilder html, IReadOnlyList<DictionaryResults> dictionaries)
    {
        var byDictionary = dictionaries.Select(d => (Dictionary: d, Groups: d.Board!.Metrics["coverage_by_group"] as JsonObject)).ToArray();
        var found = byDictionary.SelectMany(row => row.Groups?.Select(g => g.Key) ?? []).Distinct().ToArray();
        string[] groups = [.. KnownGroups.Where(found.Contains), .. found.Where(g => !KnownGroups.Contains(g))];
        html.Append("<h3>Coverage by property group</h3><div class=\"scroll\"><table class=\"by-group\"><thead><tr><th>group</th><th>dictionary</th>");
        foreach (string name in groups) html.Append("<th>").Append(Html.Escape(name)).Append("</th>");
        MetricColumn[] totals = [ReportMetrics.Coverage, ReportMetrics.BoardReconstruction, ReportMetrics.CoverageOriginal, ReportMetrics.BoardReconstructionPooled];
        foreach (MetricColumn total in totals) html.Append("<th>").Append(Html.Escape(total.Header)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach ((DictionaryResults dictionary, JsonObject? coverage) in byDictionary)
        {
            html.Append(dictionary.IsLinearProbe ? "<tr class=\"probe\">" : "<tr>")
                .Append("<td>").Append(Html.Escape(Html.GroupName(dictionary.Group))).Append("</td>")
                .Append("<td class=\"name\">").Append(Html.Escape(dictionary.Name)).Append("</td>");
            foreach (string name in groups)
                html.Append("<td class=\"num\">").Append(Html.Number(JsonRead.Number(coverage?[name]))).Append("</td>");
            foreach (MetricColumn total in totals) html.Append("<td class=\"num\">").Append(Html.Number(total.Value(dictionary))).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div>")
            .Append("<p class=\"note\">The last two columns compute the same metrics as SAE_BoardGameEval's code, the paper's Table 1: ")
            .Append("one threshold for all properties and, for Othello, a divisor that counts the 64 unscored blank squares (at most 2/3); ")
            .Append("reconstruction as one F1 pooled over all test positions.</p>");
    }
}
