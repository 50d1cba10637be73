namespace SharpSight.Cli.Tests;

public sealed class GamesChessTrainingCommandTests : CliHarness
{
    [Fact]
    public void Chess_training_exports_the_model_resumes_and_reports_the_legal_move_rate()
    {
        string folder = Path.Combine(Home, "chess-small");
        var (code, output, error) = Run("games", "train", "--game", "chess", "--preset", "small", "--steps", "3", "--seed", "4", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("chess preset small: 4 layers, d_model 128, 4 heads, 256-character context", output);
        Assert.Contains("done at step 3", output);
        Assert.Matches(@"legal-move rate on 100 held-out random games: \d+\.\d\d ?% \([\d,]+ of [\d,]+ moves in the 256-character window\)", output);
        (code, output, error) = Run("inspect", "--model", Path.Combine(folder, "model"));   // the exported Hugging Face folder
        Assert.True(code == 0, error);
        Assert.Contains("vocab 32", output);

        // Continue the same run further: it resumes from step 3.
        (code, output, error) = Run("games", "train", "--game", "chess", "--preset", "small", "--steps", "4", "--seed", "4", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("step 4/4", output);
        Assert.DoesNotContain("step 1/4", output);

        // Another seed is another run: refused in this folder, as is an Othello run.
        (code, _, error) = Run("games", "train", "--game", "chess", "--steps", "4", "--seed", "5", "--out", folder);
        Assert.NotEqual(0, code);
        Assert.Contains("this folder trains chess preset 'small' (seed 4", error);
        (code, _, error) = Run("games", "train", "--steps", "4", "--out", folder);
        Assert.NotEqual(0, code);
        Assert.Contains("this folder trains a chess model", error);
    }

    [Fact]
    public void Chess_training_reads_transcripts_and_holds_out_the_last_games()
    {
        string data = Path.Combine(Home, "games.txt");
        File.WriteAllLines(data, [
            ";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.Ba4 Nf6 5.O-O Be7",
            "",
            ";1.d4 d5 2.c4 e6 3.Nc3 Nf6 4.Bg5 Be7 5.e3 O-O",
            ";1.c4 e5 2.Nc3 Nf6 3.g3 d5 4.cxd5 Nxd5 5.Bg2 Nb6",
        ]);
        string folder = Path.Combine(Home, "chess-file");
        var (code, output, error) = Run("games", "train", "--game", "chess", "--steps", "2", "--data", data, "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains($"2 games of {data}", output);
        Assert.Contains("legal-move rate on the file's last 1 games (held out):", output);
        Assert.Contains("of 10 moves in the 256-character window", output);
    }

    [Theory]
    [InlineData(new[] { "games", "train", "--game", "go", "--out", "x" }, "game 'go' is not one of othello, chess")]
    [InlineData(new[] { "games", "train", "--game", "chess", "--preset", "lab", "--out", "x" }, "chess preset 'lab' is not one of small, paper")]
    [InlineData(new[] { "games", "train", "--data", "games.txt", "--out", "x" }, "--data is for chess")]
    public void Bad_input_gives_one_line(string[] args, string expected)
    {
        var (code, _, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_bad_transcript_names_its_line()
    {
        string data = Path.Combine(Home, "bad.txt");
        File.WriteAllLines(data, [";1.e4 e5", ";1.e4 e5 2.Ke3"]);
        var (code, _, error) = Run("games", "train", "--game", "chess", "--data", data, "--out", Path.Combine(Home, "bad"));
        Assert.NotEqual(0, code);
        Assert.Contains($"{data}:2", error);
    }
}
