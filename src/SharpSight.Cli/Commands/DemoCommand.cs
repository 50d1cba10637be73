using System.CommandLine;
using SharpSight.Cli.Demo;
using SharpSight.Games.Laboratory;

namespace SharpSight.Cli.Commands;

/// <summary>
/// `sharpsight demo`: the end-to-end Othello pipeline (see <see cref="DemoPipeline"/>) on the shipped laboratory model,
/// or with --from-scratch on a small model it trains first: legal-move rates, board probes and edits, a sweep of
/// dictionaries on the model and on a random-init control, their core, board and sparse-probing evaluations, and the
/// HTML report. Resumable: a rerun skips the stages that finished.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "An Othello model folder (default: the shipped laboratory model, models/othello-lab)" };
        var fromScratch = new Option<bool>("--from-scratch") { Description = "Train a small model first (games train --preset small) and run the demo on it" };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Run folder (an interrupted demo resumes from it)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "demo")) };
        var games = new Option<int>("--games") { Description = "Held-out random games to score", DefaultValueFactory = _ => 2000 };
        var championship = new Option<int>("--championship-games") { Description = "Championship games to score (0 = none)", DefaultValueFactory = _ => 2000 };
        var probeGames = new Option<int>("--probe-games") { Description = "Random games to probe on (80% fit, 20% scored)", DefaultValueFactory = _ => 1000 };
        var editCases = new Option<int>("--edits") { Description = "Positions whose board is edited in the residual stream", DefaultValueFactory = _ => 200 };
        var hook = new Option<string>("--hook") { Description = "Hook point the dictionaries read", DefaultValueFactory = _ => "blocks.3.hook_resid_post" };
        var width = new Option<int>("--width") { Description = "Features per dictionary", DefaultValueFactory = _ => 1024 };
        var tokens = new Option<string>("--tokens") { Description = "Activations each dictionary trains on (1.2M, 2M)", DefaultValueFactory = _ => "1.2M" };
        var boardGames = new Option<int>("--board-games") { Description = "Games in each of the board metrics' training and test sets", DefaultValueFactory = _ => 1000 };
        var command = new Command("demo", "The Othello laboratory end to end: play, probes, edits, dictionaries of every architecture, their evaluations and an HTML report")
        {
            model, fromScratch, outDir, games, championship, probeGames, editCases, hook, width, tokens, boardGames,
        };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            if (parsed.GetValue(fromScratch) && parsed.GetValue(model) is not null) throw new ArgumentException("--from-scratch trains its own model; leave out --model");
            var settings = new DemoSettings
            {
                ModelFolder = parsed.GetValue(fromScratch) ? null : parsed.GetValue(model)?.FullName ?? OthelloLaboratory.DefaultFolder(),
                OutFolder = parsed.GetValue(outDir)!.FullName,
                Games = Positive(parsed.GetValue(games), "--games"),
                ChampionshipGames = NotNegative(parsed.GetValue(championship), "--championship-games"),
                ProbeGames = Positive(parsed.GetValue(probeGames), "--probe-games"),
                Edits = Positive(parsed.GetValue(editCases), "--edits"),
                Hook = parsed.GetValue(hook)!,
                Width = Positive(parsed.GetValue(width), "--width"),
                Tokens = SharpSight.Dictionaries.Training.SweepFile.ParseTokens(parsed.GetValue(tokens)!, "--tokens"),
                BoardGames = Positive(parsed.GetValue(boardGames), "--board-games"),
            };
            if (settings.ProbeGames < 5) throw new ArgumentException($"--probe-games must be at least 5, got {settings.ProbeGames}");
            new DemoPipeline(settings, output, live: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected).Run();
        });
        return command;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new ArgumentException($"{option} must be positive, got {value}");

    private static int NotNegative(int value, string option) =>
        value >= 0 ? value : throw new ArgumentException($"{option} must be 0 or more, got {value}");
}
