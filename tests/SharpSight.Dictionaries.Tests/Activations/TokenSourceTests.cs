using SharpSight.Dictionaries.Activations;
using SharpSight.Games;
using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Activations;

public class TokenSourceTests
{
    [Fact]
    public void Othello_windows_are_the_training_rows_with_real_positions_up_to_the_last_move()
    {
        OthelloGame[] games = [.. OthelloRandomGames.Generate(5, 42)];
        var windows = TestData.Windows(OthelloTokenSource.Random(5, 42));
        Assert.Equal(5, windows.Count);
        using Tensor rows = new OthelloTrainingData(games).Inputs([0, 1, 2, 3, 4]);
        long[] expected = rows.data<long>().ToArray();
        for (int g = 0; g < 5; g++)
        {
            Assert.Equal(expected[(g * 60)..((g + 1) * 60)], windows[g].Ids);
            Assert.Equal(Enumerable.Range(0, 60).Select(p => p < games[g].MoveCount), windows[g].Real);
            Assert.Equal(OthelloVocabulary.TokenOf(games[g][0]), windows[g].Ids[0]);   // no start token: the first move comes first
        }
    }

    [Fact]
    public void Othello_files_and_transcripts_read_the_same_windows_as_the_games()
    {
        using var folder = new TempFolder();
        OthelloGame[] games = [.. OthelloRandomGames.Generate(4, 7)];
        OthelloGameFile.Write(folder.File("games.bin"), games);
        File.WriteAllLines(folder.File("games.txt"), games.Select(OthelloTranscript.Write));
        var expected = TestData.Windows(OthelloTokenSource.Random(4, 7));
        foreach (ITokenSource source in new[] { OthelloTokenSource.FromFile(folder.File("games.bin")), OthelloTokenSource.FromTranscripts(folder.File("games.txt")) })
        {
            var windows = TestData.Windows(source);
            Assert.Equal(expected.Select(w => w.Ids), windows.Select(w => w.Ids));
            Assert.Equal(expected.Select(w => w.Real), windows.Select(w => w.Real));
        }
        Assert.Equal(2, TestData.Windows(OthelloTokenSource.FromFile(folder.File("games.bin"), maxGames: 2)).Count);
        Assert.Contains("games.bin", OthelloTokenSource.FromFile(folder.File("games.bin")).Description);
    }

    [Fact]
    public void Othello_transcript_errors_name_the_file_and_line()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder.File("bad.txt"), ["f5d6c3", "", "f5f5"]);
        var error = Assert.Throws<GameRecordException>(() => TestData.Windows(OthelloTokenSource.FromTranscripts(folder.File("bad.txt"))));
        Assert.StartsWith("bad.txt line 3", error.Message);
    }

    [Fact]
    public void Chess_windows_are_the_training_rows_cut_to_the_context()
    {
        using var folder = new TempFolder();
        string[] lines = [";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 1-0", ";1.d4 d5"];
        File.WriteAllLines(folder.File("games.txt"), lines);
        var windows = TestData.Windows(ChessTokenSource.FromTranscripts(folder.File("games.txt"), contextLength: 16));
        string[] transcripts = [";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6", ";1.d4 d5"];
        using Tensor rows = new ChessTrainingData(transcripts, 16).Inputs([0, 1]);
        long[] expected = rows.data<long>().ToArray();
        Assert.Equal(expected[..16], windows[0].Ids);
        Assert.Equal(expected[16..], windows[1].Ids);
        Assert.All(windows[0].Real, Assert.True);
        Assert.Equal(Enumerable.Range(0, 16).Select(p => p < 8), windows[1].Real);
        Assert.Equal(ChessVocabulary.Characters.IndexOf(';'), (int)windows[0].Ids[0]);
    }

    [Fact]
    public void Random_chess_games_match_the_training_command()
    {
        var windows = TestData.Windows(ChessTokenSource.Random(3, 5, contextLength: 32));
        var games = ChessTrainingGames.Random(3, 5, ChessTrainingGames.PliesToFill(32)).ToList();
        using Tensor rows = ChessTrainingData.FromGames(games, 32).Inputs([0, 1, 2]);
        Assert.Equal(rows.data<long>().ToArray(), windows.SelectMany(w => w.Ids));
        Assert.All(windows, w => Assert.All(w.Real, Assert.True));   // random games fill the window
    }

    [Fact]
    public void Chess_errors_name_the_file_and_line()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder.File("games.txt"), [";1.e4 e5", ";1.e4 e4"]);
        var error = Assert.Throws<GameRecordException>(() => TestData.Windows(ChessTokenSource.FromTranscripts(folder.File("games.txt"), 16)));
        Assert.Contains("games.txt line 2", error.Message);
    }

    [Fact]
    public void Missing_files_are_one_line_errors_naming_the_file()
    {
        using var folder = new TempFolder();
        string missing = folder.File("nope.jsonl");
        foreach (Func<object> open in new Func<object>[]
        {
            () => OthelloTokenSource.FromFile(missing), () => OthelloTokenSource.FromTranscripts(missing),
            () => ChessTokenSource.FromTranscripts(missing, 8), () => TextCorpus.PlainText(missing), () => TextCorpus.Jsonl(missing),
            () => TextCorpus.Parquet(missing),
        })
        {
            var error = Assert.Throws<TokenSourceException>(open);
            Assert.Equal($"{missing}: file not found", error.Message);
        }
    }

    [Fact]
    public void In_memory_windows_are_padded_and_checked()
    {
        var source = new InMemoryTokenSource(4, [[5, 6], [7, 8, 9, 1]], "test", padId: 3);
        var windows = TestData.Windows(source);
        Assert.Equal([5L, 6, 3, 3], windows[0].Ids);
        Assert.Equal([true, true, false, false], windows[0].Real);
        Assert.Equal([7L, 8, 9, 1], windows[1].Ids);
        Assert.Throws<ArgumentException>(() => new InMemoryTokenSource(2, [[1, 2, 3]], "too long"));
        using ITokenWindowReader reader = source.Open();
        Assert.Throws<ArgumentException>(() => reader.Read(new long[3], new bool[3]));
    }
}
