using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// Per-feature dashboards from the board eval: for each feature its header, activation histogram, and top-activating
/// contexts (tokens shaded by activation, beside the board at that position). One collapsed block per dictionary.
/// </summary>
internal static class DashboardSection
{
    /// <summary>Features shown per dictionary (the best-matching ones come first in the files).</summary>
    public const int MaxFeatures = 6;

    /// <summary>Top-activating contexts shown per feature.</summary>
    public const int MaxContexts = 4;

    public static void Write(StringBuilder html, ResultSet results)
    {
        var withDashboards = results.Dictionaries
            .Select(d => (Dictionary: d, Features: JsonRead.Objects((d.Board?.Unstructured as JsonObject)?["feature_dashboards"])))
            .Where(x => x.Features.Length > 0)
            .ToArray();
        html.Append("<section id=\"dashboards\"><h2>Feature dashboards</h2>");
        if (withDashboards.Length == 0)
        {
            html.Append("<p class=\"note\">No feature dashboards (board results carry them in eval_result_unstructured).</p></section>");
            return;
        }
        foreach ((DictionaryResults dictionary, JsonObject[] features) in withDashboards)
        {
            // A page of 14 dictionaries × 12 features × 8 boards runs to megabytes; the files keep every dashboard.
            int shown = Math.Min(features.Length, MaxFeatures);
            html.Append("<details class=\"dictionary\"><summary>").Append(Html.Escape(dictionary.Name)).Append(" (")
                .Append(Html.Escape(Html.GroupName(dictionary.Group))).Append("): ").Append(shown).Append(" features")
                .Append(shown < features.Length ? $" of {features.Length} (all are in the board result file)" : "").Append("</summary>");
            foreach (JsonObject feature in features.Take(MaxFeatures)) WriteFeature(html, feature);
            html.Append("</details>");
        }
        html.Append("</section>");
    }

    private static void WriteFeature(StringBuilder html, JsonObject feature)
    {
        string index = Html.Integer(JsonRead.Integer(feature["feature"]));
        string? bestProperty = JsonRead.Text(feature["best_property"]);
        html.Append("<div class=\"feature\"><h4>feature ").Append(Html.Escape(index)).Append("</h4><p class=\"meta\">density ")
            .Append(Html.Number(JsonRead.Number(feature["density"]), 4)).Append(" · max activation ")
            .Append(Html.Number(JsonRead.Number(feature["max_activation"]))).Append(" · best property <b>")
            .Append(Html.Escape(bestProperty ?? Html.Missing)).Append("</b> (F1 ").Append(Html.Number(JsonRead.Number(feature["best_f1"])))
            .Append(", threshold ").Append(Html.Number(JsonRead.Number(feature["best_threshold"]))).Append(")</p><div class=\"feature-body\">");
        JsonObject? histogram = feature["histogram"] as JsonObject;
        double[]? edges = JsonRead.AllNumbers(histogram?["edges"]), counts = JsonRead.AllNumbers(histogram?["counts"]);
        html.Append(edges is not null && counts is not null
            ? HistogramPlot.Render("activations", "activation (non-zero)", edges, counts, 250, 150) ?? "<p class=\"note\">malformed histogram</p>"
            : "<p class=\"note\">no histogram</p>");
        JsonObject[] contexts = JsonRead.Objects(feature["contexts"]);
        double scale = JsonRead.Number(feature["max_activation"]) is { } max && max > 0 ? max
            : contexts.SelectMany(c => JsonRead.Numbers(c["activations"]) ?? []).OfType<double>().Select(Math.Abs).DefaultIfEmpty(0).Max();
        html.Append("<div class=\"contexts\">");
        foreach (JsonObject context in contexts.Take(MaxContexts)) WriteContext(html, context, scale, bestProperty);
        html.Append("</div></div></div>");
    }

    private static void WriteContext(StringBuilder html, JsonObject context, double scale, string? bestProperty)
    {
        string? fen = JsonRead.Text(context["fen"]);
        string[] tokens = JsonRead.Texts(context["tokens"]);
        double?[] activations = JsonRead.Numbers(context["activations"]) ?? [];
        html.Append("<div class=\"context\"><div class=\"context-text\"><div class=\"meta\">game ")
            .Append(Html.Integer(JsonRead.Integer(context["game"]))).Append(" · position ").Append(Html.Integer(JsonRead.Integer(context["position"])))
            .Append(" · value ").Append(Html.Number(JsonRead.Number(context["value"]))).Append("</div>")
            // Chess tokens are characters, shown without gaps; Othello tokens are moves, shown apart.
            .Append(fen is null ? "<div class=\"tokens\">" : "<div class=\"tokens chars\">");
        for (int i = 0; i < tokens.Length; i++)
        {
            double? value = i < activations.Length ? activations[i] : null;
            double alpha = value is { } v && scale > 0 ? Math.Clamp(Math.Abs(v) / scale, 0, 1) : 0;
            html.Append("<span class=\"").Append(i == tokens.Length - 1 ? "tok last" : "tok").Append('"');
            // Most tokens of a sparse feature's context are at zero: they get no shading and no tooltip, keeping pages small.
            if (value is { } shown && shown != 0)
                html.Append(" style=\"background-color:rgba(230,85,13,").Append(alpha.ToString("0.##", CultureInfo.InvariantCulture))
                    .Append(")\" title=\"").Append(Html.Escape($"{tokens[i]}: {Html.Number(shown)}")).Append('"');
            html.Append('>').Append(Html.Escape(tokens[i])).Append("</span>");
        }
        html.Append("</div></div>");
        int? square = BoardDiagram.SquareOf(bestProperty);
        string highlightTitle = $"best property: {bestProperty}";
        string? board = fen is not null
            ? ChessBoardDiagram.Render(fen, square, highlightTitle)
            : context.ContainsKey("board")
                ? OthelloBoardDiagram.Render(JsonRead.Text(context["board"]), JsonRead.Texts(context["legal"]), square, highlightTitle, JsonRead.Text(context["to_move"]))
                : "";
        html.Append(board ?? "<p class=\"note\">malformed board</p>").Append("</div>");
    }
}
