using System.Text;
using System.Text.Json.Nodes;

namespace SharpSight.Evals.Reporting;

/// <summary>Sparse probing: SAE top-1/2/5 accuracy per dictionary, the LLM's top-k and full-probe accuracy as reference lines, and per-dataset tables.</summary>
internal static class SparseProbingSection
{
    // Detail columns in the contract's order; other numeric fields follow in order of appearance.
    private static readonly (string Field, string Header)[] KnownColumns =
    [
        ("llm_test_accuracy", "LLM probe"), ("llm_top_1_test_accuracy", "LLM top-1"), ("llm_top_2_test_accuracy", "LLM top-2"),
        ("llm_top_5_test_accuracy", "LLM top-5"), ("sae_test_accuracy", "SAE probe"), ("sae_top_1_test_accuracy", "SAE top-1"),
        ("sae_top_2_test_accuracy", "SAE top-2"), ("sae_top_5_test_accuracy", "SAE top-5"),
    ];

    public static void Write(StringBuilder html, ResultSet results)
    {
        html.Append("<section id=\"sparse-probing\"><h2>Sparse probing</h2>");
        var withProbing = results.Dictionaries.Where(d => d.SparseProbing is not null).ToArray();
        if (withProbing.Length == 0)
        {
            html.Append("<p class=\"note\">No sparse-probing results.</p></section>");
            return;
        }
        MetricColumn[] bars = [ReportMetrics.SaeTop1, ReportMetrics.SaeTop2, ReportMetrics.SaeTop5];
        BarSeries[] series = [new(bars[0].Header, Palette.Color(0)), new(bars[1].Header, Palette.Color(1)), new(bars[2].Header, Palette.Color(4))];
        var categories = withProbing.Select(d => new BarCategory(d.Name, d.Group, bars.Select(b => b.Value(d)).ToArray())).ToArray();
        html.Append("<figure>")
            .Append(BarChart.Render("Sparse-probing test accuracy", "accuracy", series, categories, References(withProbing)))
            .Append("<figcaption class=\"note\">Dashed: the LLM baseline of each group (probes on the k best neurons and on the full activation).</figcaption></figure>");
        html.Append("<h3>Per dataset</h3>");
        foreach (DictionaryResults dictionary in withProbing) WriteDatasetTable(html, dictionary);
        html.Append("</section>");
    }

    // The LLM baseline depends on the model and hook only, so each group's first dictionary that has it stands for the group.
    private static List<ReferenceLine> References(IEnumerable<DictionaryResults> dictionaries)
    {
        (MetricColumn Metric, string Color)[] lines =
        [
            (ReportMetrics.LlmTop1, "#2a4d73"), (ReportMetrics.LlmTop2, "#a35a12"), (ReportMetrics.LlmTop5, "#2f6b2a"), (ReportMetrics.LlmFull, "#555"),
        ];
        var references = new List<ReferenceLine>();
        foreach (IGrouping<string, DictionaryResults> group in dictionaries.GroupBy(d => d.Group))
        {
            foreach ((MetricColumn metric, string color) in lines)
            {
                if (group.Select(metric.Value).FirstOrDefault(v => v is not null) is { } value)
                    references.Add(new ReferenceLine(metric.Header, value, group.Key, color));
            }
        }
        return references;
    }

    private static void WriteDatasetTable(StringBuilder html, DictionaryResults dictionary)
    {
        JsonObject[] rows = JsonRead.Objects(dictionary.SparseProbing!.Details);
        var extra = rows.SelectMany(r => r.Where(field => JsonRead.Number(field.Value) is not null).Select(field => field.Key))
            .Distinct().Where(f => KnownColumns.All(k => k.Field != f)).ToArray();
        var columns = KnownColumns.Where(k => rows.Any(r => r.ContainsKey(k.Field))).Concat(extra.Select(f => (Field: f, Header: f))).ToArray();
        html.Append("<details class=\"datasets\"><summary>").Append(Html.Escape(dictionary.Name)).Append(" (")
            .Append(Html.Escape(Html.GroupName(dictionary.Group))).Append("): ").Append(rows.Length).Append(" datasets</summary>");
        html.Append("<div class=\"scroll\"><table><thead><tr><th>dataset</th>");
        foreach ((_, string header) in columns) html.Append("<th>").Append(Html.Escape(header)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (JsonObject row in rows)
        {
            html.Append("<tr><td class=\"name\">").Append(Html.Escape(JsonRead.Text(row["dataset_name"]) ?? Html.Missing)).Append("</td>");
            foreach ((string field, _) in columns) html.Append("<td class=\"num\">").Append(Html.Number(JsonRead.Number(row[field]))).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div></details>");
    }
}
