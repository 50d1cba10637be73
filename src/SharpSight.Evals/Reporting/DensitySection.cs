using System.Text;
using System.Text.Json.Nodes;

namespace SharpSight.Evals.Reporting;

/// <summary>Small multiples of each dictionary's log10 feature-density histogram (core eval), with its dead-feature count.</summary>
internal static class DensitySection
{
    public static void Write(StringBuilder html, ResultSet results)
    {
        html.Append("<section id=\"density\"><h2>Feature density</h2>");
        var withHistogram = results.Dictionaries
            .Select(d => (Dictionary: d, Histogram: (d.Core?.Unstructured as JsonObject)?["density_histogram"] as JsonObject))
            .Where(x => x.Histogram is not null)
            .ToArray();
        if (withHistogram.Length == 0)
        {
            html.Append("<p class=\"note\">No density histograms (core results carry them in eval_result_unstructured).</p></section>");
            return;
        }
        html.Append("<div class=\"multiples\">");
        foreach ((DictionaryResults dictionary, JsonObject? histogram) in withHistogram)
        {
            double[]? edges = JsonRead.AllNumbers(histogram!["log10_edges"]);
            double[]? counts = JsonRead.AllNumbers(histogram["counts"]);
            long? dead = JsonRead.Integer(histogram["dead"]);
            string title = $"{dictionary.Name} ({Html.GroupName(dictionary.Group)})";
            html.Append("<figure class=\"multiple\">");
            html.Append(edges is not null && counts is not null
                ? HistogramPlot.Render(title, "log10 feature density", edges, counts)
                    ?? $"<p class=\"note\">{Html.Escape(title)}: the histogram's edges and counts do not match.</p>"
                : $"<p class=\"note\">{Html.Escape(title)}: the histogram lacks log10_edges or counts.</p>");
            html.Append("<figcaption>dead features: <b>").Append(Html.Integer(dead)).Append("</b>");
            if (counts is not null) html.Append(" · alive: ").Append(Html.Number(counts.Sum(), 0));
            html.Append("</figcaption></figure>");
        }
        html.Append("</div></section>");
    }
}
