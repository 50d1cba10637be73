using SharpSight.Evals.Dictionaries.SparseProbing;
using SharpSight.Games.Othello;
using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers.Vocabularies;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.SparseProbing;

public class ProbingDatasetSourceTests
{
    private const string Hook = "blocks.1.hook_resid_post";

    [Fact]
    public void Jsonl_examples_are_pooled_over_their_tokens_after_bos()
    {
        using var folder = new TempFolder();
        string path = folder.File("letters.jsonl");
        // Labels x (4 examples), y (3), z (2); a blank line is skipped; numbers are labels too.
        File.WriteAllLines(path,
        [
            """{"text": "abc", "label": "x"}""", """{"text": "bad cafe", "label": "y"}""", "",
            """{"text": "hhh", "label": "x"}""", """{"text": "a", "label": 7}""", """{"text": "fed", "label": "y"}""",
            """{"text": "gg", "label": "x"}""", """{"text": "ab ab", "label": 7}""", """{"text": "cc", "label": "y"}""",
            """{"text": "abcdefghabcdefgh", "label": "x"}""",
        ]);
        using TransformerModel model = TinyModel(11, 16);
        CharacterTokenizer tokenizer = Characters();
        using ProbingDataset dataset = TextProbingDatasets.FromJsonl(path, model, tokenizer, Hook, contextLength: 8, trainFraction: 0.5, seed: 3);

        Assert.Equal("letters", dataset.Name);
        Assert.Equal(["x", "y", "7"], dataset.ClassNames);
        Assert.Equal(9, dataset.Train.Count + dataset.Test.Count);
        Assert.Equal([2, 2, 1], Enumerable.Range(0, 3).Select(c => dataset.Train.Labels.Count(l => l == c)));   // round(4/2), round(3/2), round(2/2)

        string[] lines = File.ReadAllLines(path);
        using Tensor pooled = dataset.Train.MeanPooled();
        for (int i = 0; i < dataset.Train.Count; i++)
        {
            int line = int.Parse(dataset.Train.Sources![i]["line ".Length..]);
            string text = System.Text.Json.Nodes.JsonNode.Parse(lines[line - 1])!["text"]!.GetValue<string>();
            // Independently: [BOS] + characters, cut at 8 tokens, one unbatched forward pass, mean over positions 1…
            long[] ids = [9, .. text.Select(ch => (long)tokenizer.TokenToId(ch.ToString())!.Value)];
            ids = ids[..Math.Min(8, ids.Length)];
            Assert.Equal(ids.Length - 1, dataset.Train.TokenCounts[i]);
            using Tensor expected = Reference(model, ids).narrow(0, 1, ids.Length - 1).mean([0L]);
            Assert.True(pooled[i].allclose(expected, rtol: 1e-4, atol: 1e-5), $"example from line {line}");
        }
    }

    [Fact]
    public void At_most_five_labels_are_kept_the_most_frequent_first()
    {
        using var folder = new TempFolder();
        string path = folder.File("many.jsonl");
        string[] labels = ["a", "a", "b", "b", "b", "c", "c", "d", "d", "e", "e", "f", "f", "f", "f"];
        File.WriteAllLines(path, labels.Select((l, i) => $$"""{"body": "{{new string('a', i % 3 + 1)}}", "kind": "{{l}}"}"""));
        using TransformerModel model = TinyModel(11, 16);
        using ProbingDataset dataset = TextProbingDatasets.FromJsonl(path, model, Characters(), Hook, textField: "body", labelField: "kind", contextLength: 4);
        Assert.Equal(["f", "b", "a", "c", "d"], dataset.ClassNames);   // e (2, seen after a, c, d) is dropped
        Assert.Equal(4 + 3 + 2 + 2 + 2, dataset.Train.Count + dataset.Test.Count);
    }

    [Fact]
    public void Bad_lines_are_named_by_file_line_and_field()
    {
        using var folder = new TempFolder();
        using TransformerModel model = TinyModel(11, 16);
        string Error(string name, params string[] lines)
        {
            string path = folder.File(name);
            File.WriteAllLines(path, lines);
            return Assert.Throws<ArgumentException>(() => TextProbingDatasets.FromJsonl(path, model, Characters(), Hook, contextLength: 8)).Message;
        }

        const string Good = """{"text": "abc", "label": "x"}""";
        string broken = Error("broken.jsonl", Good, Good, """{"text": "abc", "label": """);
        Assert.StartsWith(folder.File("broken.jsonl") + ":3: not valid JSON", broken);
        Assert.DoesNotContain('\n', broken);
        Assert.Equal(folder.File("nolabel.jsonl") + ":2: field 'label' is missing", Error("nolabel.jsonl", Good, """{"text": "abc"}"""));
        Assert.Equal(folder.File("notext.jsonl") + ":1: field 'text' must be a string", Error("notext.jsonl", """{"text": 5, "label": "x"}"""));
        Assert.Contains("at least 2 distinct labels", Error("onelabel.jsonl", Good, Good));
    }

    [Fact]
    public void Othello_tasks_are_balanced_and_labelled_from_the_board_after_the_move()
    {
        OthelloGame[] games = [.. OthelloRandomGames.Generate(30, 5)];
        using TransformerModel model = TinyModel(OthelloVocabulary.Size, OthelloGame.MaxMoves);
        IReadOnlyList<ProbingDataset> datasets = OthelloProbingTasks.Create(model, Hook, games[..20], games[20..], trainExamples: 40, testExamples: 20, seed: 1);
        try
        {
            Assert.Equal(["othello_to_move", "othello_mine_c3", "othello_mine_f3", "othello_mine_c6", "othello_mine_f6",
                "othello_legal_c2", "othello_legal_b6", "othello_legal_g3", "othello_legal_f7"], datasets.Select(d => d.Name));
            foreach (ProbingDataset dataset in datasets)
            {
                Assert.Equal([20, 20], Enumerable.Range(0, 2).Select(c => dataset.Train.Labels.Count(l => l == c)));
                Assert.Equal([10, 10], Enumerable.Range(0, 2).Select(c => dataset.Test.Labels.Count(l => l == c)));
                CheckLabels(dataset, dataset.Train, games[..20]);
                CheckLabels(dataset, dataset.Test, games[20..]);
            }

            // Activations: the hook's value at the move's token, from an unbatched run of the game.
            ProbingDataset mine = datasets[1];
            for (int i = 0; i < 5; i++)
            {
                (int game, int move) = Parse(mine.Train.Sources![i]);
                long[] ids = [.. OthelloVocabulary.Encode(games[game]).Select(t => (long)t)];
                using Tensor expected = Reference(model, ids)[move];
                Assert.True(mine.Train.TokenActivations[i].allclose(expected, rtol: 1e-4, atol: 1e-5), $"example {i}");
            }
        }
        finally
        {
            foreach (ProbingDataset dataset in datasets) dataset.Dispose();
        }
    }

    [Fact]
    public void Unknown_squares_and_hooks_are_refused()
    {
        OthelloGame[] games = [.. OthelloRandomGames.Generate(4, 2)];
        using TransformerModel model = TinyModel(OthelloVocabulary.Size, OthelloGame.MaxMoves);
        var square = Assert.Throws<ArgumentException>(() => OthelloProbingTasks.Create(model, Hook, games[..2], games[2..], 4, 4,
            tasks: new OthelloProbingTaskOptions { MineSquares = ["z9"] }));
        Assert.Contains("'z9'", square.Message);
        var hook = Assert.Throws<ArgumentException>(() => OthelloProbingTasks.Create(model, "blocks.7.hook_resid_post", games[..2], games[2..]));
        Assert.Contains("blocks.7.hook_resid_post", hook.Message);
    }

    // Each example's class against the board state after its move, read through OthelloBoardState's own accessors.
    private static void CheckLabels(ProbingDataset dataset, ProbingSplit split, OthelloGame[] games)
    {
        for (int i = 0; i < split.Count; i++)
        {
            (int game, int move) = Parse(split.Sources![i]);
            OthelloBoardState state = OthelloVocabulary.StatesAfterEachMove(games[game])[move];
            string name = dataset.Name;
            string expected = name == "othello_to_move" ? state.SideToMove.Name()
                : name.StartsWith("othello_mine_") ? (state.RelativeCells()[OthelloSquare.Parse(name[^2..])] == OthelloRelativeCell.Mine ? "mine" : "not_mine")
                : state.LegalMoveCells()[OthelloSquare.Parse(name[^2..])] ? "legal" : "not_legal";
            Assert.Equal(expected, dataset.ClassNames[split.Labels[i]]);
        }
    }

    private static (int Game, int Move) Parse(string source)
    {
        string[] parts = source.Split(", ");
        return (int.Parse(parts[0]["game ".Length..]), int.Parse(parts[1]["move ".Length..]));
    }

    // The hook's value [positions, d] for one unpadded sequence.
    private static Tensor Reference(TransformerModel model, long[] ids)
    {
        using var noGrad = no_grad();
        using Tensor input = tensor(ids).unsqueeze(0);
        (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, input, include: name => name == Hook);
        logits.Dispose();
        using (cache) return cache[Hook][0].clone();
    }

    /// <summary>Characters a..h and space, then &lt;s&gt; (BOS, id 9) and &lt;pad&gt; (id 10).</summary>
    private static CharacterTokenizer Characters() => CharacterTokenizer.FromCharacters("abcdefgh ", bosToken: "<s>", padToken: "<pad>");

    private static TransformerModel TinyModel(int vocab, int positions, int dModel = 16)
    {
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = vocab, DModel = dModel, Layers = 2, Heads = 2, KeyValueHeads = 2, HeadDim = dModel / 2,
            DMlp = 2 * dModel, MaxPositions = positions, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh,
            GatedMlp = false, Positions = PositionKind.Learned, TiedEmbeddings = true, QkvBias = true, AttentionOutBias = true,
            MlpBias = true, AttentionScale = 1 / Math.Sqrt(dModel / 2), SlidingWindows = new int?[2],
        });
        RandomWeights.Initialize(model, 1);
        return model;
    }

    private sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpsight-probing-" + Guid.NewGuid().ToString("N"));

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
