using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SharpSight.Evals.Reporting;

namespace SharpSight.Evals.Tests.Reporting;

public sealed class HtmlReportTests : IClassFixture<SampleResults>
{
    private static readonly DateTimeOffset Generated = new(2026, 11, 25, 12, 30, 0, TimeSpan.Zero);
    private readonly SampleResults _sample;
    private readonly string _html;
    private readonly XDocument _page;

    public HtmlReportTests(SampleResults sample)
    {
        _sample = sample;
        _html = HtmlReport.Build(ResultSet.Load(sample.Folder), Generated);
        _page = Parse(_html);
    }

    [Fact]
    public void The_page_is_well_formed_and_every_svg_is_closed()
    {
        // Parse() above would have thrown on a tag left open or a stray '<' or '&'; here the SVG count is checked too.
        int opened = Regex.Count(_html, "<svg[ >]"), closed = Regex.Count(_html, "</svg>");
        Assert.True(opened >= 8, $"only {opened} SVGs");
        Assert.Equal(opened, closed);
        Assert.Equal(opened, _page.Descendants("svg").Count());
        Assert.DoesNotContain(_page.Descendants("svg"), svg => svg.Ancestors("svg").Any());
        Assert.StartsWith("<!DOCTYPE html>", _html);
    }

    [Fact]
    public void Text_from_the_data_is_escaped()
    {
        Assert.DoesNotContain("<x>", _html);
        Assert.Contains("mine &lt;x&gt; d3", _html);
        // Parsed back, the text is the original.
        Assert.Contains(_page.Descendants("b"), b => b.Value == "mine <x> d3");
    }

    [Fact]
    public void Nothing_refers_to_outside_resources_or_runs_scripts()
    {
        Assert.DoesNotContain("http://", _html);
        Assert.DoesNotContain("https://", _html);
        Assert.DoesNotContain(_page.Descendants(), e => e.Name.LocalName is "script" or "img" or "link" or "iframe" or "object");
        Assert.DoesNotContain(_page.Descendants().Attributes(), a => a.Name.LocalName is "src" || a.Value.Contains("url(", StringComparison.Ordinal));
        Assert.DoesNotContain("@import", _html);
    }

    [Fact]
    public void The_header_names_the_time_model_and_hook()
    {
        Assert.Contains("generated 2026-11-25 12:30 UTC", _html);
        XElement target = Assert.Single(_page.Descendants("ul").Single(u => Class(u).Contains("targets")).Elements("li"));
        Assert.Equal("model othello-lab, hook blocks.1.hook_resid_post", target.Value);
    }

    [Fact]
    public void The_summary_table_has_each_dictionarys_numbers_by_group()
    {
        var rows = SummaryRows();
                // The larger group first; in each, dictionaries by name and the linear-probe row last.
        Assert.Equal(["trained/standard-l1", "trained/topk-k32", "trained/linear-probe", "random-init/topk-k32"], rows.Keys);
        Assert.Equal(["topk", "2048", "32.000", "0.900", "0.950", "0.970", "0.813", "0.400", "0.700", "0.700", "0.850", "0.600", "0.750", "0.990"],
            rows["trained/topk-k32"]);
        Assert.Equal(["topk", "2048", "10.000", "0.600", "0.400", "0.500", "0.500", "0.100", "0.200", "0.520", "0.550", "0.550", "0.600", "0.700"],
            rows["random-init/topk-k32"]);
    }

    [Fact]
    public void Numbers_are_written_in_the_invariant_culture_whatever_the_current_one()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            string html = HtmlReport.Build(ResultSet.Load(_sample.Folder), Generated);
            Assert.Equal(Regex.Replace(_html, "generated [^<]*UTC", ""), Regex.Replace(html, "generated [^<]*UTC", ""));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Missing_evals_and_metrics_show_a_dash()
    {
        var rows = SummaryRows();
        // standard-l1 has only a core result, and its frac_alive is null.
        Assert.Equal(["standard", "4096", "100.000", "0.800", "0.900", "0.910", "—", "—", "—", "—", "—", "—", "—", "—"], rows["trained/standard-l1"]);
        // The linear-probe row has board results only.
        Assert.Equal(["linear_probe", "—", "—", "—", "—", "—", "—", "0.900", "0.950", "—", "—", "—", "—", "—"], rows["trained/linear-probe"]);
    }

    [Fact]
    public void Frontier_points_sit_where_the_axes_put_them()
    {
        // L0 10, 32 and 100 span the decade [10, 100]; FVE 0.6..0.9 gets ticks 0.6, 0.7, 0.8, 0.9 and so the limits [0.6, 0.9].
        XElement plot = Plot("L0 against FVE");
        PlotArea area = ScatterPlot.Area;
        AssertPoint(plot, "standard-l1 (trained", area.Right, area.Bottom - (0.8 - 0.6) / 0.3 * area.Height);
        AssertPoint(plot, "topk-k32 (trained", area.Left + Math.Log10(3.2) * area.Width, area.Top);
        AssertPoint(plot, "topk-k32 (random-init", area.Left, area.Bottom);
        // Loss recovered 0.4..0.95: a range of 0.55 in about 4 steps → steps of 0.2 from 0.4 to 1.
        XElement loss = Plot("L0 against loss recovered");
        AssertPoint(loss, "topk-k32 (random-init", area.Left, area.Bottom);
        AssertPoint(loss, "topk-k32 (trained", area.Left + Math.Log10(3.2) * area.Width, area.Bottom - (0.95 - 0.4) / 0.6 * area.Height);
    }

    [Fact]
    public void Frontier_markers_tell_the_groups_apart_by_fill()
    {
        XElement plot = Plot("L0 against FVE");
        XElement trained = Point(plot, "topk-k32 (trained").Elements().First(e => e.Name.LocalName != "title");
        XElement random = Point(plot, "topk-k32 (random-init").Elements().First(e => e.Name.LocalName != "title");
        // Same architecture: same shape and colour; the groups differ in fill (trained, the larger group, is solid).
        Assert.Equal(trained.Name, random.Name);
        Assert.Equal((string?)trained.Attribute("stroke"), (string?)random.Attribute("stroke"));
        Assert.Equal((string?)trained.Attribute("stroke"), (string?)trained.Attribute("fill"));
        Assert.Equal("#fff", (string?)random.Attribute("fill"));
    }

    [Fact]
    public void Othello_diagrams_draw_exactly_the_discs_of_the_board_string()
    {
        XElement[] boards = _page.Descendants("svg").Where(s => (string?)s.Attribute("aria-label") == "Othello board").ToArray();
        Assert.Equal(2, boards.Length);
        foreach ((XElement svg, string board, int legal) in new[] { (boards[0], SampleResults.BoardA, 3), (boards[1], SampleResults.BoardB, 2) })
        {
            var expected = new HashSet<string>();
            for (int square = 0; square < 64; square++)
            {
                if (board[square] == '.') continue;
                // Rank 8 at the top: cells of 22 px from (16, 4).
                double cx = 16 + (square % 8) * 22 + 11, cy = 4 + (7 - square / 8) * 22 + 11;
                expected.Add($"{(board[square] == 'B' ? "disc-black" : "disc-white")} {cx.ToString(CultureInfo.InvariantCulture)} {cy.ToString(CultureInfo.InvariantCulture)}");
            }
            var drawn = svg.Descendants("circle").Where(c => Class(c).Contains("disc-black") || Class(c).Contains("disc-white"))
                .Select(c => $"{c.Attribute("class")!.Value} {c.Attribute("cx")!.Value} {c.Attribute("cy")!.Value}").ToList();
            Assert.Equal(expected.Count, drawn.Count);
            Assert.Equal(expected, drawn.ToHashSet());
            Assert.Equal(legal, svg.Descendants("circle").Count(c => Class(c).Contains("legal")));
            Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "a", "b", "c", "d", "e", "f", "g", "h"],
                svg.Descendants("text").Select(t => t.Value).Where(v => v.Length == 1).Order(StringComparer.Ordinal));
        }
        // The best property (mine ... d3) is outlined: d3 is file 3, rank 3 → corner (16 + 66, 4 + 5 * 22), inset by 1.5.
        XElement highlight = boards[0].Descendants("rect").Single(r => Class(r).Contains("highlight"));
        Assert.Equal(("83.5", "115.5"), (highlight.Attribute("x")!.Value, highlight.Attribute("y")!.Value));
    }

    [Fact]
    public void Chess_diagram_draws_the_pieces_of_the_fen()
    {
        XElement svg = _page.Descendants("svg").Single(s => (string?)s.Attribute("aria-label") == "chess board");
        XElement[] pieces = svg.Descendants("text").Where(t => Class(t).Contains("piece")).ToArray();
        Assert.Equal(16, pieces.Count(p => Class(p).Contains("piece-white")));
        Assert.Equal(16, pieces.Count(p => Class(p).Contains("piece-black")));
        // The pawn on e4 (file 4, rank 4 → centre 16 + 4 * 22 + 11 = 115, 4 + 4 * 22 + 11 = 103; baseline 0.3 cells lower) is a white pawn.
        XElement e4 = pieces.Single(p => p.Attribute("x")!.Value == "115" && p.Attribute("y")!.Value == "109.6");
        Assert.Equal("\u2659", e4.Value);
        Assert.Equal(64, svg.Descendants("rect").Count(r => r.Attribute("fill")!.Value is "#b58863" or "#f0d9b5"));
        Assert.Contains(svg.Descendants("text"), t => t.Value == "black to move");
    }

    [Fact]
    public void Context_tokens_are_shaded_by_activation_and_the_last_is_outlined()
    {
        XElement context = _page.Descendants("div").First(d => Class(d).Contains("tokens") && !Class(d).Contains("chars"));
        XElement[] tokens = context.Elements("span").ToArray();
        Assert.Equal(["f5", "d6", "c3"], tokens.Select(t => t.Value));
        // Activations 0, 2.5, 5 against the feature's max activation 5: a token at zero is left plain (no shading, no tooltip).
        Assert.Null(tokens[0].Attribute("style"));
        Assert.Null(tokens[0].Attribute("title"));
        Assert.Equal(["rgba(230,85,13,0.5)", "rgba(230,85,13,1)"],
            tokens.Skip(1).Select(t => t.Attribute("style")!.Value.Split(':')[1].TrimEnd(')') + ")"));
        Assert.Equal(["d6: 2.500", "tok", "tok last"], new[] { tokens[1].Attribute("title")!.Value, tokens[1].Attribute("class")!.Value, tokens[2].Attribute("class")!.Value });
    }

    [Fact]
    public void Density_histograms_draw_the_counts_between_the_edges()
    {
        XElement svg = Plot("topk-k32 (trained)");
        XElement[] bins = svg.Descendants("rect").Where(r => Class(r).Contains("bin")).ToArray();
        // Counts 2, 0, 5 over edges -3, -2, -1, 0: two bars (an empty bin draws none), heights in ratio 2 : 5.
        Assert.Equal(2, bins.Length);
        PlotArea area = HistogramPlot.AreaFor(280, 170);
        Assert.Equal(area.Left, Number(bins[0], "x"), 2);
        Assert.Equal(area.Left + 2.0 / 3 * area.Width, Number(bins[1], "x"), 2);
        Assert.Equal(2.5, Number(bins[1], "height") / Number(bins[0], "height"), 2);
        Assert.Contains("dead features: <b>7</b>", _html);
    }

    [Fact]
    public void Board_section_draws_bars_the_probe_reference_and_the_group_table()
    {
        XElement chart = Plot("Coverage and board reconstruction");
        string[] bars = chart.Descendants("rect").Where(r => Class(r).Contains("bar")).Select(r => r.Element("title")!.Value).ToArray();
        Assert.Equal(["topk-k32 (trained): coverage 0.400", "topk-k32 (trained): board reconstruction 0.700",
            "topk-k32 (random-init): coverage 0.100", "topk-k32 (random-init): board reconstruction 0.200"], bars);
        Assert.Contains(chart.Descendants("line"), l => l.Element("title")?.Value == "linear probe: coverage (trained): 0.900");
        XElement table = _page.Descendants("table").Single(t => Class(t).Contains("by-group"));
        Assert.Equal(["group", "dictionary", "mine", "theirs", "empty", "legal", "white_pawn", "coverage", "board reconstruction",
            "coverage (original code)", "board rec. (pooled)"],
            table.Descendants("th").Select(th => th.Value));
        string[] probe = table.Descendants("tr").Single(r => r.Elements("td").ElementAtOrDefault(1)?.Value == "linear-probe")
            .Elements("td").Select(td => td.Value).ToArray();
        Assert.Equal(["trained", "linear-probe", "0.920", "0.910", "0.990", "0.700", "—", "0.900", "0.950", "0.600", "0.960"], probe);
    }

    [Fact]
    public void Sparse_probing_draws_sae_bars_llm_references_and_dataset_tables()
    {
        XElement chart = Plot("Sparse-probing test accuracy");
        Assert.Equal(6, chart.Descendants("rect").Count(r => Class(r).Contains("bar")));
        string[] references = chart.Descendants("line").Select(l => l.Element("title")?.Value).OfType<string>().ToArray();
        // random-init's top-2 baseline is null, so it has no line.
        Assert.Equal(["LLM top-1 (trained): 0.600", "LLM top-2 (trained): 0.650", "LLM top-5 (trained): 0.750", "LLM probe (trained): 0.990",
            "LLM top-1 (random-init): 0.550", "LLM top-5 (random-init): 0.600", "LLM probe (random-init): 0.700"], references);
        XElement row = _page.Descendants("tr").Single(r => r.Elements("td").FirstOrDefault()?.Value == "othello_empty_e6");
        Assert.Equal(["othello_empty_e6", "1.000", "0.590", "0.980", "0.680"], row.Elements("td").Select(td => td.Value));
    }

    [Fact]
    public void A_folder_with_one_eval_reports_the_others_as_missing()
    {
        using var only = new SampleResults();
        foreach (string folder in new[] { "board", "sparse_probing" }) Directory.Delete(Path.Combine(only.Folder, folder), recursive: true);
        string html = HtmlReport.Build(only.Folder);
        XDocument page = Parse(html);
        Assert.Contains("No board results.", html);
        Assert.Contains("No sparse-probing results.", html);
        Assert.Contains("No feature dashboards", html);
        Assert.Equal(2, page.Descendants("svg").Count(s => Class(s).Contains("plot") && !Class(s).Contains("hist")));
    }

    [Theory]
    [InlineData("{\n\"eval_type_id\": \"core\",\n\"sae_lens_id\": ", "malformed JSON")]
    [InlineData("{\"eval_type_id\": \"core\", \"eval_result_metrics\": {}}", "missing required field 'sae_lens_id'")]
    [InlineData("{\"sae_lens_id\": \"a\", \"eval_result_metrics\": {}}", "missing required field 'eval_type_id'")]
    [InlineData("{\"eval_type_id\": \"core\", \"sae_lens_id\": \"a\"}", "missing required field 'eval_result_metrics'")]
    [InlineData("{\"eval_type_id\": \"core\", \"sae_lens_id\": \"a\", \"eval_result_metrics\": [1]}", "field 'eval_result_metrics' is [1], expected an object")]
    [InlineData("[1, 2]", "expected a JSON object")]
    public void A_bad_file_is_a_one_line_error_naming_it(string json, string expected)
    {
        using var bad = new SampleResults();
        bad.Write("core/trained/broken_eval_results.json", json);
        var error = Assert.Throws<ResultFileException>(() => ResultSet.Load(bad.Folder));
        Assert.StartsWith(Path.Combine(bad.Folder, "core", "trained", "broken_eval_results.json") + ": ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\r', error.Message);
    }

    [Fact]
    public void A_missing_folder_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => ResultSet.Load(Path.Combine(_sample.Folder, "nowhere")));
        Assert.Contains("nowhere", error.Message);
    }

    [Fact]
    public void Write_replaces_the_output_file_and_leaves_no_temporary_file()
    {
        string outFolder = Path.Combine(_sample.Folder + "-out", "nested");
        string output = Path.Combine(outFolder, "report.html");
        try
        {
            HtmlReport.Write(_sample.Folder, output);
            File.WriteAllText(output, "old");
            HtmlReport.Write(_sample.Folder, output);
            string written = File.ReadAllText(output);
            Assert.StartsWith("<!DOCTYPE html>", written);
            Assert.Equal(Regex.Replace(_html, "generated [^<]*UTC", ""), Regex.Replace(written, "generated [^<]*UTC", ""));
            Assert.Equal(new[] { "report.html" }, Directory.GetFiles(outFolder).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(_sample.Folder + "-out", recursive: true);
        }
    }

    [Fact]
    public void The_newest_file_wins_when_a_dictionary_has_two_for_one_eval()
    {
        using var rerun = new SampleResults();
        string text = File.ReadAllText(Path.Combine(rerun.Folder, "core/trained/standard-l1_eval_results.json"));
        rerun.Write("rerun/standard-l1.json", text.Replace("1764000000000", "1764000000001").Replace("\"l0\": 100.0", "\"l0\": 50.0"));
        rerun.Write("zz-older/standard-l1.json", text.Replace("1764000000000", "1763000000000").Replace("\"l0\": 100.0", "\"l0\": 20.0"));
        DictionaryResults d = ResultSet.Load(rerun.Folder).Dictionaries.Single(x => x.Name == "standard-l1");
        Assert.Equal(50.0, d.Core!.Metric("sparsity", "l0"));
    }

    private Dictionary<string, string[]> SummaryRows()
    {
        XElement table = _page.Descendants("table").Single(t => Class(t).Contains("summary"));
        var rows = new Dictionary<string, string[]>();
        string group = "";
        foreach (XElement row in table.Element("tbody")!.Elements("tr"))
        {
            if (Class(row).Contains("group-row")) group = row.Value;
            else rows.Add($"{group}/{row.Elements("td").First().Value}", row.Elements("td").Skip(1).Select(td => td.Value).ToArray());
        }
        return rows;
    }

    private XElement Plot(string title) =>
        _page.Descendants("svg").Single(svg => svg.Elements("text").FirstOrDefault()?.Value == title);

    private static XElement Point(XElement plot, string titleStart) =>
        plot.Descendants("g").Single(g => Class(g).Contains("pt") && g.Element("title")!.Value.StartsWith(titleStart, StringComparison.Ordinal));

    private static void AssertPoint(XElement plot, string titleStart, double x, double y)
    {
        Match m = Regex.Match(Point(plot, titleStart).Attribute("transform")!.Value, @"^translate\(([-\d.]+) ([-\d.]+)\)$");
        Assert.True(m.Success);
        Assert.Equal(x, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 0.006);
        Assert.Equal(y, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 0.006);
    }

    private static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    private static string[] Class(XElement element) => ((string?)element.Attribute("class") ?? "").Split(' ');

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}

public sealed class DashboardLimitTests
{
    [Fact]
    public void A_long_dashboard_list_is_cut_to_the_first_features_and_contexts_with_a_note()
    {
        using var sample = new SampleResults();
        string context = $$"""{"game": 1, "position": 3, "value": 2.0, "tokens": ["f5", "d6", "c3", "d3"], "activations": [0, 0, 1, 2], "board": "{{SampleResults.BoardB}}", "to_move": "black", "legal": []}""";
        string feature(int index) => $$"""
            {"feature": {{index}}, "density": 0.01, "max_activation": 2.0, "best_property": "mine d3", "best_group": "mine", "best_f1": 0.5,
             "best_threshold": 0.1, "histogram": {"edges": [0, 1, 2], "counts": [1, 1]}, "contexts": [{{string.Join(", ", Enumerable.Repeat(context, 7))}}]}
            """;
        sample.Write("board/wide/many_eval_results.json", SampleResults.Result("board", "wide", "many", "topk", 64,
            """{"board": {"coverage": 0.5, "board_reconstruction": 0.4}}""", "[]",
            $$"""{"feature_dashboards": [{{string.Join(", ", Enumerable.Range(100, 9).Select(feature))}}]}""", game: "othello"));

        string html = SharpSight.Evals.Reporting.HtmlReport.Build(sample.Folder);
        string block = html[html.IndexOf("<summary>many (", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("</details>", StringComparison.Ordinal)];
        Assert.Contains("6 features of 9 (all are in the board result file)", block);
        Assert.Contains("feature 105", block);
        Assert.DoesNotContain("feature 106", block);
        Assert.Equal(6 * 4, System.Text.RegularExpressions.Regex.Matches(block, "class=\"board\"").Count);
    }
}
