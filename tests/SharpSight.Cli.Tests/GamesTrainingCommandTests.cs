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
    }

    [Theory]
    [InlineData(new[] { "games", "train", "--preset", "huge", "--out", "x" }, "preset 'huge' is not one of small, medium, lab, paper")]
    [InlineData(new[] { "games", "probe", "--model", "/no/such/run" }, "not a training folder with a checkpoint")]
    public void Bad_input_gives_one_line(string[] args, string expected)
    {
        var (code, _, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
