using System.Globalization;
using System.Text;
using SharpSight.Core.IO;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// One self-contained HTML page from a folder of result files: summary table, sparsity–fidelity frontier, board metrics,
/// sparse probing, feature-density histograms and per-feature dashboards. Everything is inline (CSS and SVG; no scripts,
/// fonts, images or links), so the page works offline. Sections for evals without results say so.
/// </summary>
/// <remarks>
/// The plots are drawn by our own small SVG writer (<see cref="SvgWriter"/>, <see cref="Axis"/>), not a plotting library.
/// ScottPlot 5.1.59 was tried (it renders headless here through SkiaSharp's bundled native library) but its SVG is about
/// three times larger (15 KB for a bare 30-bin histogram, 23 KB for a 5-point scatter, against 5 KB and 9 KB here with
/// tooltips and labels), places every glyph at x positions measured with the generating machine's fonts, uses clip-path ids
/// that inline SVGs on one page must not share, has no log axis, and would add a native dependency to every consumer of this
/// library; the report needs dozens of small plots per page.
/// </remarks>
public static class HtmlReport
{
    /// <summary>The HTML page for the results under <paramref name="resultsFolder"/>.</summary>
    /// <param name="resultsFolder">A folder searched recursively for <c>*.json</c> result files.</param>
    /// <exception cref="ArgumentException">The folder does not exist.</exception>
    /// <exception cref="ResultFileException">A file is malformed or lacks a required field; the message names it.</exception>
    public static string Build(string resultsFolder) => Build(ResultSet.Load(resultsFolder));

    /// <summary>The HTML page for loaded results, stamped with the current time.</summary>
    /// <param name="results">The results.</param>
    public static string Build(ResultSet results) => Build(results, DateTimeOffset.UtcNow);

    /// <summary>Writes the page for <paramref name="resultsFolder"/> to <paramref name="outputPath"/> atomically (a temporary file, then a rename).</summary>
    /// <param name="resultsFolder">A folder searched recursively for <c>*.json</c> result files.</param>
    /// <param name="outputPath">The HTML file to create or replace; its folder is created when missing.</param>
    /// <exception cref="ArgumentException">The folder does not exist.</exception>
    /// <exception cref="ResultFileException">A file is malformed or lacks a required field; the message names it.</exception>
    public static void Write(string resultsFolder, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        string html = Build(resultsFolder);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(outputPath, html);
    }

    /// <summary>The page, stamped with the given time (tests fix it).</summary>
    internal static string Build(ResultSet results, DateTimeOffset generated)
    {
        ArgumentNullException.ThrowIfNull(results);
        var html = new StringBuilder(1 << 16);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
            .Append("<title>SharpSight evaluation report</title><style>").Append(Style).Append("</style></head><body>");
        WriteHeader(html, results, generated);
        SummarySection.Write(html, results);
        FrontierSection.Write(html, results);
        BoardSection.Write(html, results);
        SparseProbingSection.Write(html, results);
        DensitySection.Write(html, results);
        DashboardSection.Write(html, results);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void WriteHeader(StringBuilder html, ResultSet results, DateTimeOffset generated)
    {
        html.Append("<header><h1>SharpSight evaluation report</h1><p class=\"meta\">generated ")
            .Append(Html.Escape(generated.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" from ").Append(results.Files.Count).Append(" result files in ").Append(results.Groups.Count).Append(" groups</p>");
        var targets = results.Files
            .Select(f => (Model: f.ModelName ?? Html.Missing, Hook: f.HookName ?? Html.Missing))
            .Distinct()
            .OrderBy(t => t.Model, StringComparer.Ordinal).ThenBy(t => t.Hook, StringComparer.Ordinal)
            .ToArray();
        html.Append("<ul class=\"targets\">");
        foreach ((string model, string hook) in targets)
            html.Append("<li>model <b>").Append(Html.Escape(model)).Append("</b>, hook <code>").Append(Html.Escape(hook)).Append("</code></li>");
        html.Append("</ul>");
        var unreported = results.Files.Select(f => f.EvalTypeId).Where(e => !ResultSet.ReportedEvals.Contains(e)).Distinct().ToArray();
        if (unreported.Length > 0)
            html.Append("<p class=\"note\">Not shown (eval types this report does not know): ").Append(Html.Escape(string.Join(", ", unreported))).Append("</p>");
        html.Append("<nav><a href=\"#summary\">summary</a> · <a href=\"#frontier\">frontier</a> · <a href=\"#board\">board</a> · ")
            .Append("<a href=\"#sparse-probing\">sparse probing</a> · <a href=\"#density\">density</a> · <a href=\"#dashboards\">dashboards</a></nav></header>");
    }

    // No '<' or '&' here: the page is also well-formed XML, which the tests rely on.
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px;color:#222;max-width:1400px}
        h1{margin-bottom:4px}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:36px}
        .meta{color:#555;font-size:13px;margin:2px 0}.note{color:#666;font-size:12px}
        .scroll{overflow-x:auto}
        svg .disc-black{fill:#111;stroke:#000}svg .disc-white{fill:#f5f5f5;stroke:#666}svg .legal{fill:#000;opacity:.5}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}
        th,td{border:1px solid #ddd;padding:3px 7px}th{background:#f3f3f3;font-weight:600}
        td.num{text-align:right;font-variant-numeric:tabular-nums}td.name{font-weight:600;white-space:nowrap}
        tr.group-row th{text-align:left;background:#e6edf5}tr.probe td{font-style:italic;background:#fafafa}
        figure{margin:8px 0}.plots,.multiples{display:flex;flex-wrap:wrap;gap:12px}
        .multiple figcaption{font-size:12px;color:#444;margin-left:46px}
        svg text{font-family:system-ui,"DejaVu Sans",sans-serif}
        svg text.piece{font-family:"DejaVu Sans","Segoe UI Symbol","Noto Sans Symbols2",sans-serif}
        details{margin:6px 0}details.dictionary{border:1px solid #ddd;border-radius:4px;padding:4px 10px}
        summary{cursor:pointer;font-weight:600}
        .feature{border-top:1px solid #eee;padding:8px 0}.feature h4{margin:4px 0}
        .feature-body{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
        .contexts{display:flex;flex-direction:column;gap:10px;flex:1;min-width:420px}
        .context{display:flex;gap:12px;align-items:flex-start}.context-text{flex:0 1 480px;min-width:200px}
        .tokens{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:12px}
        .tok{display:inline-block;padding:0 2px;margin:1px 2px 1px 0;border-radius:2px;white-space:pre;line-height:1.5}
        .tokens.chars .tok{margin:1px 0;padding:0;border-radius:0}
        .tok.last{outline:2px solid #000;outline-offset:0}
        nav{font-size:13px;margin-top:8px}
        """;
}
