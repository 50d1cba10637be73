using System.Text;

namespace SharpSight.Evals.Reporting;

/// <summary>The summary table: one row per dictionary, grouped by group, with the main number of every eval.</summary>
internal static class SummarySection
{
    public static void Write(StringBuilder html, ResultSet results)
    {
        html.Append("<section id=\"summary\"><h2>Summary</h2>");
        if (results.Dictionaries.Count == 0)
        {
            html.Append("<p class=\"note\">No core, board or sparse-probing results were found.</p></section>");
            return;
        }
        int columns = 3 + ReportMetrics.Summary.Count;
        html.Append("<div class=\"scroll\"><table class=\"summary\"><thead><tr><th>dictionary</th><th>architecture</th><th>width</th>");
        foreach (MetricColumn column in ReportMetrics.Summary) html.Append("<th>").Append(Html.Escape(column.Header)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (IGrouping<string, DictionaryResults> group in results.Dictionaries.GroupBy(d => d.Group))
        {
            html.Append("<tr class=\"group-row\"><th colspan=\"").Append(columns).Append("\">")
                .Append(Html.Escape(Html.GroupName(group.Key))).Append("</th></tr>");
            foreach (DictionaryResults dictionary in group)
            {
                html.Append(dictionary.IsLinearProbe ? "<tr class=\"probe\">" : "<tr>")
                    .Append("<td class=\"name\">").Append(Html.Escape(dictionary.Name)).Append("</td>")
                    .Append("<td>").Append(Html.Escape(dictionary.Architecture ?? Html.Missing)).Append("</td>")
                    .Append("<td class=\"num\">").Append(Html.Integer(dictionary.Width)).Append("</td>");
                foreach (MetricColumn column in ReportMetrics.Summary)
                    html.Append("<td class=\"num\">").Append(Html.Number(column.Value(dictionary))).Append("</td>");
                html.Append("</tr>");
            }
        }
        html.Append("</tbody></table></div>");
        html.Append("<p class=\"note\">FVE: fraction of variance explained; loss recovered and KL score: SAEBench's ce_loss_score and kl_div_score; ")
            .Append("coverage and board reconstruction: Karvonen et al. (2024) board-state metrics; SAE/LLM top-k: sparse-probing test accuracy ")
            .Append("with k features (SAE) or k neurons (LLM); LLM probe: a probe on the full activation. ")
            .Append(Html.Missing).Append(": not evaluated.</p></section>");
    }
}
