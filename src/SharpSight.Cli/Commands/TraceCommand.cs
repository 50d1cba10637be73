using System.CommandLine;
using System.Text.Json;
using SharpSight.Core.IO;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Modules;
using SharpSight.Tracing.Execution;
using SharpSight.Tracing.Graph;
using static TorchSharp.torch;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight trace`: runs a JSON intervention graph and writes every saved value as .npy plus a summary.</summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        Option<string> model = ModelOptions.Model(), dtype = ModelOptions.DType();
        var ids = new Option<string>("--ids") { Description = "Token ids of each input, inputs separated by ';' (e.g. \"1,5,9;1,6,9\")", Required = true };
        var graph = new Option<FileInfo>("--graph") { Description = "Intervention graph JSON (format sharpsight.intervention_graph)", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for NAME.npy per saved value and summary.json", Required = true };
        var command = new Command("trace", "Run an intervention graph (JSON) and write every saved value as .npy plus a JSON summary") { model, ids, graph, outDir, dtype };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            FileInfo graphFile = parsed.GetValue(graph)!;
            if (!graphFile.Exists) throw new FileNotFoundException($"{graphFile.FullName}: graph file not found");
            InterventionGraph interventions = InterventionGraph.FromJson(File.ReadAllText(graphFile.FullName), graphFile.Name);
            using TransformerModel loaded = ModelOptions.Load(parsed.GetValue(model)!, parsed.GetValue(dtype)!);
            string[] inputTexts = parsed.GetValue(ids)!.Split(';', StringSplitOptions.TrimEntries);
            var inputs = new TraceInputs([.. inputTexts.Select(text => (IReadOnlyList<long[]>)[ModelOptions.ParseIds(text, loaded.Config.VocabSize)])]);

            using TraceResult result = GraphExecutor.Run(loaded, interventions, inputs);
            string folder = parsed.GetValue(outDir)!.FullName;
            Directory.CreateDirectory(folder);
            var summary = new Dictionary<string, object>();
            foreach ((string name, Tensor value) in result.Saved.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
                    throw new ArgumentException($"saved name '{name}' is not usable as a file name (letters, digits, '_', '-', '.')");
                using Tensor stored = value.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? value.to(ScalarType.Float32) : value.alias();
                Npy.Write(Path.Combine(folder, name + ".npy"), stored);
                summary[name] = new { file = name + ".npy", shape = stored.shape, dtype = stored.dtype.ToString().ToLowerInvariant(),
                    value = stored.numel() == 1 ? stored.to(ScalarType.Float64).item<double>() : (double?)null };
                output.WriteLine($"{name,-24} [{string.Join(", ", stored.shape)}] {stored.dtype.ToString().ToLowerInvariant()}");
            }
            AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(new
            {
                graph = graphFile.Name, inputs = inputTexts.Length, saved = summary, stopped_early = result.Logits is null,
            }, new JsonSerializerOptions { WriteIndented = true }));
            output.WriteLine($"wrote {result.Saved.Count} value(s) and summary.json to {folder}");
        });
        return command;
    }
}
