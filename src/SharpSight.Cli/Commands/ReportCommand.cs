using System.CommandLine;
using SharpSight.Evals.Reporting;

namespace SharpSight.Cli.Commands;

/// <summary><c>sharpsight report --results DIR --out report.html</c>: the HTML report of a folder of evaluation results.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var results = new Option<DirectoryInfo>("--results") { Description = "Folder of SAEBench-schema result files (sae eval --out, or a demo run's results/)", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "The HTML file to write (self-contained, viewable offline)", DefaultValueFactory = _ => new FileInfo("report.html") };
        var command = new Command("report", "Write one self-contained HTML report of dictionary evaluation results: frontier plots, board metrics, sparse probing, densities, feature dashboards")
        {
            results, outFile,
        };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            string folder = parsed.GetValue(results)!.FullName, path = parsed.GetValue(outFile)!.FullName;
            if (!Directory.Exists(folder)) throw new ArgumentException($"{folder}: results folder not found");
            HtmlReport.Write(folder, path);
            output.WriteLine($"wrote {path}");
        });
        return command;
    }
}
