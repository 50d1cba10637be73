namespace SharpSight.Cli.Tests;

public sealed class GamesTrainingCommandTests : CliHarness
{
    [Fact]
    public void Train_resumes_an_interrupted_folder_and_probe_reports_every_layer_beside_the_control()
    {
        string folder = Path.Combine(Home, "othello-small");
        var (code, output, error) = Run("games", "train", "--preset", "small", "--steps", "4", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("done at step 4", output);
        Assert.Contains("legal-move rate on 1,000 held-out random games", output);
        Assert.True(File.Exists(Path.Combine(folder, "latest.json")));
        (code, output, error) = Run("inspect", "--model", Path.Combine(folder, "model"));   // the exported Hugging Face folder
        Assert.True(code == 0, error);
        Assert.Contains("vocab 61", output);

        // Continue the same run further: it resumes from step 4.
        (code, output, error) = Run("games", "train", "--preset", "small", "--steps", "6", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("step 6/6", output);
        Assert.DoesNotContain("step 1/6", output);

        (code, output, error) = Run("games", "probe", "--model", folder, "--games", "20");
        Assert.True(code == 0, error);
        Assert.Contains("control all", output);
        foreach (string hook in new[] { "hook_embed", "blocks.0.hook_resid_post", "blocks.3.hook_resid_post" })
            Assert.Contains(hook, output);

        // eval takes the exported Hugging Face folder as well as the training folder.
        (code, output, error) = Run("games", "eval", "--model", Path.Combine(folder, "model"), "--games", "20", "--championship-games", "30");
        Assert.True(code == 0, error);
        Assert.Contains("20 held-out random games", output);
        Assert.Contains("30 championship games", output);

        string[] demo = ["demo", "--model", folder, "--games", "20", "--championship-games", "10", "--probe-games", "20", "--edits", "5",
            "--tokens", "4k", "--width", "64", "--board-games", "30", "--out", Path.Combine(Home, "demo")];
        (code, output, error) = Run(demo);
        Assert.True(code == 0, error);
        foreach (string line in new[] { "1. Play", "20 held-out random games", "10 championship games", "2. Probe", "blocks.3.hook_resid_post", "best: ",
            "3. Edit", "4. Dictionaries: 7 architectures", "training (random-init model)", "linear-probe", "5. Report" })
            Assert.Contains(line, output);
        string report = Path.Combine(Home, "demo", "report.html");
        Assert.Contains($"report: {report}", output);
        Assert.Contains("Sparsity–fidelity frontier", File.ReadAllText(report));
        // Seven dictionaries on each model per evaluation, and the linear-probe reference row of the board metrics.
        foreach ((string evalType, int files) in new[] { ("core", 14), ("board", 15), ("sparse_probing", 14) })
            Assert.Equal(files, Directory.GetFiles(Path.Combine(Home, "demo", "results", evalType), "*_eval_results.json", SearchOption.AllDirectories).Length);

        // A second run finds every stage finished: it prints their records again and does no work.
        (code, string again, error) = Run(demo);
        Assert.True(code == 0, error);
        Assert.Contains("stages finished earlier", again);
        Assert.DoesNotContain("training (", again.Split("4. Dictionaries")[0]);
        Assert.Contains("10 championship games", again);
    }

    [Theory]
    [InlineData(new[] { "games", "train", "--preset", "huge", "--out", "x" }, "preset 'huge' is not one of small, medium, lab, paper")]
    [InlineData(new[] { "games", "probe", "--model", "/no/such/run" }, "/no/such/run: model folder not found")]
    [InlineData(new[] { "games", "eval", "--model", "/no/such/run" }, "/no/such/run: model folder not found")]
    [InlineData(new[] { "demo", "--games", "0" }, "--games must be positive, got 0")]
    public void Bad_input_gives_one_line(string[] args, string expected)
    {
        var (code, _, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
