using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpSight.Evals.Probing;
using SharpSight.Games.Laboratory;
using SharpSight.Games.Othello;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;

namespace SharpSight.Cli.Commands;

/// <summary>
/// `sharpsight demo`: the end-to-end Othello pipeline on the shipped laboratory model: how well it plays (legal-move
/// rates on held-out random games and on real championship games), what it knows (linear probes of the board by
/// layer, beside a random-init control), and whether it uses it (editing the probed board changes its moves).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "An Othello model folder (default: the shipped laboratory model, models/othello-lab)" };
        var games = new Option<int>("--games") { Description = "Held-out random games to score", DefaultValueFactory = _ => 2000 };
        var championship = new Option<int>("--championship-games") { Description = "Championship games to score (0 = none)", DefaultValueFactory = _ => 2000 };
        var probeGames = new Option<int>("--probe-games") { Description = "Random games to probe on (80% fit, 20% scored)", DefaultValueFactory = _ => 1000 };
        var editCases = new Option<int>("--edits") { Description = "Positions whose board is edited in the residual stream", DefaultValueFactory = _ => 200 };
        var command = new Command("demo", "The Othello laboratory end to end: legal-move rates, board-state probes and board edits of the shipped model")
        {
            model, games, championship, probeGames, editCases,
        };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            var watch = Stopwatch.StartNew();
            int randomGames = Positive(parsed.GetValue(games), "--games"), probed = Positive(parsed.GetValue(probeGames), "--probe-games");
            int realGames = parsed.GetValue(championship), edits = Positive(parsed.GetValue(editCases), "--edits");
            if (realGames < 0) throw new ArgumentException($"--championship-games must be 0 or more, got {realGames}");
            string folder = parsed.GetValue(model)?.FullName ?? OthelloLaboratory.DefaultFolder();

            using TransformerModel trained = OthelloLaboratory.LoadModel(folder);
            long parameters = trained.parameters().Sum(p => p.numel());
            output.WriteLine("SharpSight demo: the Othello laboratory, end to end");
            output.WriteLine(Invariant($"model  {folder}"));
            output.WriteLine(Invariant($"       {trained.Config.ModelType}, {trained.Config.Layers} layers, d_model {trained.Config.DModel}, {trained.Config.Heads} heads, {parameters:N0} parameters"));

            output.WriteLine();
            output.WriteLine("1. Play: the share of positions whose top-1 predicted move is legal");
            Report(output, LegalMoveEvaluation.OnRandomGames(trained, randomGames, seed: DemoSeed));
            string? csv = OthelloLaboratory.FindChampionshipGames();
            if (realGames > 0 && csv is not null) Report(output, LegalMoveEvaluation.OnChampionshipGames(trained, csv, realGames));
            else if (realGames > 0) output.WriteLine("   championship games: not found (shared/data/datasets/othello/othello_dataset.csv); skipped");

            output.WriteLine();
            output.WriteLine("2. Probe: linear probes of every square (empty / mine / theirs, relative to the player to move),");
            output.WriteLine(Invariant($"   fitted on {probed * 4 / 5:N0} random games, scored on {probed - probed * 4 / 5:N0}; a random-init model of the same shape as control"));
            using var control = new TransformerModel(trained.Config);
            RandomWeights.Initialize(control, seed: 7);
            OthelloGame[] probeSet = [.. OthelloRandomGames.Generate(probed, DemoSeed + 1)];
            string[] hooks = ["hook_embed", .. Enumerable.Range(0, trained.Config.Layers).Select(l => $"blocks.{l}.hook_resid_post")];
            var (probes, results) = OthelloBoardProbe.FitByHook(trained, probeSet, hooks);
            var baseline = OthelloBoardProbe.ByHook(control, probeSet, hooks);
            output.WriteLine($"   {"hook point",-26} {"all squares",11} {"occupied",9}   {"control all",11} {"control occ.",12}");
            for (int i = 0; i < hooks.Length; i++)
                output.WriteLine(Invariant($"   {hooks[i],-26} {results[i].Accuracy,11:P1} {results[i].OccupiedAccuracy,9:P1}   {baseline[i].Accuracy,11:P1} {baseline[i].OccupiedAccuracy,12:P1}"));
            ProbeAccuracy best = results.MaxBy(r => r.Accuracy)!;
            output.WriteLine(Invariant($"   best: {best.Hook}, {best.Accuracy:P1} of all squares and {best.OccupiedAccuracy:P1} of occupied ones"));

            output.WriteLine();
            output.WriteLine(Invariant($"3. Edit: flip one square's colour in the residual stream along the probe directions, from one layer on"));
            output.WriteLine(Invariant($"   ({edits} positions), and count the top-N predicted moves that are illegal on the edited board (N = its legal-move count)"));
            KeyValuePair<string, LinearProbe>[] layerProbes = [.. hooks.Skip(1).Select(h => new KeyValuePair<string, LinearProbe>(h, probes[h]))];
            var edited = OthelloBoardEdit.ByHook(trained, layerProbes, [.. OthelloRandomGames.Generate(2 * edits, DemoSeed + 2)], edits, seed: DemoSeed);
            foreach (LinearProbe probe in probes.Values) probe.Dispose();
            output.WriteLine($"   {"edited from",-26} {"no edit",8} {"probe edit",11} {"random edit",12}");
            foreach (BoardEditResult result in edited)
                output.WriteLine(Invariant($"   {result.Hook,-26} {result.ErrorsWithoutEdit,8:F2} {result.ErrorsWithEdit,11:F2} {result.ErrorsWithRandomEdit,12:F2}"));

            output.WriteLine();
            output.WriteLine(Invariant($"done in {watch.Elapsed.TotalSeconds:F0} s"));
        });
        return command;
    }

    // Held-out games: the laboratory model trained on seed 0's games; the demo scores seeds no preset trains on.
    private const ulong DemoSeed = 20_261_125;

    private static void Report(TextWriter output, LegalMoveReport report) =>
        output.WriteLine(Invariant($"   {report.Games:N0} {report.Source} ({report.Positions:N0} positions): {report.Rate:P2}"));

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new ArgumentException($"{option} must be positive, got {value}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
