using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Dictionaries;
using SharpSight.Evals.Dictionaries.Board;
using SharpSight.Evals.Probing;
using SharpSight.Games.Chess;
using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Board;

public class BoardEvaluationTests
{
    private const string Hook = "blocks.1.hook_resid_post";

    private static TransformerModel RandomModel(int vocabulary, int positions, long seed)
    {
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = vocabulary, DModel = 32, Layers = 2, Heads = 4, KeyValueHeads = 4, HeadDim = 8,
            DMlp = 64, MaxPositions = positions, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh, GatedMlp = false,
            Positions = PositionKind.Learned, TiedEmbeddings = true, QkvBias = true, AttentionOutBias = true, MlpBias = true,
            AttentionScale = 1 / Math.Sqrt(8), SlidingWindows = new int?[2],
        });
        RandomWeights.Initialize(model, seed);
        return model;
    }

    private static SparseDictionary RandomTopK(int width, int k, ulong seed)
    {
        SparseDictionary dictionary = SharpSight.Dictionaries.Dictionary.Create(new DictionaryConfig { Architecture = DictionaryArchitecture.TopK, InputSize = 32, Width = width, K = k });
        using var generator = new Generator(seed);
        dictionary.Initialize(generator, 1.0);
        return dictionary;
    }

    private static readonly BoardEvalOptions Small = new() { Dashboards = 3, DashboardContexts = 4, HistogramBins = 5, BatchGames = 5, MinFirings = 3 };

    [Fact]
    public void Othello_results_have_the_contract_shapes_and_dashboards_agree_with_the_model()
    {
        using TransformerModel model = RandomModel(OthelloVocabulary.Size, OthelloGame.MaxMoves, seed: 3);
        using SparseDictionary dictionary = RandomTopK(64, 4, 11);
        OthelloGame[] train = [.. OthelloRandomGames.Generate(12, 1)], test = [.. OthelloRandomGames.Generate(8, 2)];
        var lines = new List<string>();
        BoardResult result = OthelloBoardEvaluation.Run(model, Hook, [dictionary], train, test, Small, new SyncProgress(lines.Add)).Single();
        Assert.NotEmpty(lines);

        JsonObject metrics = result.Metrics();
        Assert.Equal(["board", "coverage_by_group"], metrics.Select(p => p.Key));
        Assert.Equal(["coverage", "board_reconstruction", "reconstruction_threshold", "properties", "alive_features",
            "coverage_original", "coverage_original_threshold", "board_reconstruction_pooled"], metrics["board"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["mine", "theirs", "empty", "legal"], metrics["coverage_by_group"]!.AsObject().Select(p => p.Key));
        double coverage = metrics["board"]!["coverage"]!.GetValue<double>(), reconstruction = metrics["board"]!["board_reconstruction"]!.GetValue<double>();
        Assert.InRange(coverage, 0, 1);
        Assert.InRange(reconstruction, 0, 1);
        Assert.Equal(128, metrics["board"]!["properties"]!.GetValue<int>());   // every mine/theirs square holds somewhere in 12 games
        Assert.InRange(metrics["board"]!["alive_features"]!.GetValue<int>(), 1, 64);

        JsonArray details = result.Details();
        Assert.Equal(256, details.Count);
        Assert.Equal(["property", "group", "feature", "threshold", "f1", "precision", "recall", "positives"], details[0]!.AsObject().Select(p => p.Key));
        Assert.Equal("mine a1", details[0]!["property"]!.GetValue<string>());

        JsonObject config = result.EvalConfig();
        Assert.Equal("othello", config["game"]!.GetValue<string>());
        Assert.Equal(12, config["train_games"]!.GetValue<int>());
        Assert.Equal(10, config["thresholds"]!.AsArray().Count);

        JsonArray dashboards = result.Unstructured()!["feature_dashboards"]!.AsArray();
        Assert.Equal(3, dashboards.Count);
        Assert.Equal(3, dashboards.Select(d => d!["feature"]!.GetValue<int>()).Distinct().Count());
        foreach (JsonNode? dashboard in dashboards)
        {
            Assert.Equal(["feature", "density", "max_activation", "best_property", "best_group", "best_f1", "best_threshold", "histogram", "contexts"],
                dashboard!.AsObject().Select(p => p.Key));
            Assert.Equal(6, dashboard["histogram"]!["edges"]!.AsArray().Count);
            long fired = dashboard["histogram"]!["counts"]!.AsArray().Sum(c => c!.GetValue<long>());
            Assert.Equal(dashboard["density"]!.GetValue<double>() * test.Sum(g => g.MoveCount), fired, 6);
            JsonArray contexts = dashboard["contexts"]!.AsArray();
            Assert.InRange(contexts.Count, 1, 4);
            double previous = double.PositiveInfinity;
            foreach (JsonNode? context in contexts)
            {
                Assert.Equal(["game", "position", "value", "tokens", "activations", "board", "to_move", "legal"], context!.AsObject().Select(p => p.Key));
                int game = context["game"]!.GetValue<int>(), position = context["position"]!.GetValue<int>();
                double value = context["value"]!.GetValue<double>();
                Assert.True(value <= previous);
                previous = value;
                string[] tokens = [.. context["tokens"]!.AsArray().Select(t => t!.GetValue<string>())];
                Assert.Equal(OthelloVocabulary.Encode(test[game]).Take(position + 1).Select(OthelloVocabulary.TokenName), tokens);
                double[] activations = [.. context["activations"]!.AsArray().Select(a => a!.GetValue<double>())];
                Assert.Equal(position + 1, activations.Length);
                // The re-run of the game alone gives the value found in the batched collection.
                Assert.Equal(value, activations[^1], 4);
                OthelloBoard board = OthelloVocabulary.StatesAfterEachMove(test[game])[position].Board;
                string squares = context["board"]!.GetValue<string>();
                Assert.Equal(64, squares.Length);
                Assert.Equal(board.BlackCount, squares.Count(c => c == 'B'));
                Assert.Equal(board.WhiteCount, squares.Count(c => c == 'W'));
                Assert.Equal(board.SideToMove == OthelloColor.Black ? "black" : "white", context["to_move"]!.GetValue<string>());
                Assert.Equal(OthelloSquare.ToNames(board.LegalMoves), context["legal"]!.AsArray().Select(m => m!.GetValue<string>()));
            }
        }
        // The whole entry serialises (no NaN reaches the writer).
        JsonSerializer.Serialize(new JsonObject { ["m"] = metrics, ["d"] = details, ["u"] = result.Unstructured() });
    }

    [Fact]
    public void Batching_games_does_not_change_the_metrics()
    {
        using TransformerModel model = RandomModel(OthelloVocabulary.Size, OthelloGame.MaxMoves, seed: 4);
        using SparseDictionary dictionary = RandomTopK(48, 3, 12);
        OthelloGame[] train = [.. OthelloRandomGames.Generate(7, 5)], test = [.. OthelloRandomGames.Generate(5, 6)];
        BoardMetrics one = OthelloBoardEvaluation.Run(model, Hook, [dictionary], train, test, Small with { BatchGames = 1 }).Single().Summary;
        BoardMetrics many = OthelloBoardEvaluation.Run(model, Hook, [dictionary], train, test, Small with { BatchGames = 7 }).Single().Summary;
        Assert.Equal(one.Coverage, many.Coverage, 9);
        Assert.Equal(one.BoardReconstruction, many.BoardReconstruction, 9);
        Assert.Equal(one.PerProperty.Select(p => p.Feature), many.PerProperty.Select(p => p.Feature));
    }

    [Fact]
    public void The_linear_probe_row_scores_its_predictions_on_the_test_games()
    {
        using TransformerModel model = RandomModel(OthelloVocabulary.Size, OthelloGame.MaxMoves, seed: 5);
        OthelloGame[] train = [.. OthelloRandomGames.Generate(30, 7)], test = [.. OthelloRandomGames.Generate(10, 8)];
        BoardResult probe = OthelloBoardEvaluation.RunProbe(model, Hook, train, test, new ProbeOptions { Epochs = 20 });
        Assert.Null(probe.Unstructured());
        Assert.Null(probe.Metrics()["board"]!["reconstruction_threshold"]);
        Assert.Null(probe.Metrics()["board"]!["alive_features"]);
        Assert.All(probe.Details(), d => Assert.Null(d!["feature"]));
        // Positives are counted on the test games.
        Assert.Equal(test.Sum(g => g.MoveCount), probe.Summary.PerProperty.Single(p => p.Property == "theirs d5").Positives
            + probe.Summary.PerProperty.Single(p => p.Property == "mine d5").Positives);
        // The centre squares are never empty and the probes learn that; the emptiness of the other squares is mostly
        // readable from the move number alone, so even a random model's probe beats chance there.
        Assert.True(double.IsNaN(probe.Summary.PerProperty.Single(p => p.Property == "empty d4").F1));
        Assert.InRange(probe.Summary.CoverageByGroup["empty"], 0.6, 1.0);
        Assert.InRange(probe.Summary.Coverage, 0, 1);
        Assert.InRange(probe.Summary.BoardReconstruction, 0, 1);
        // The original formula sums the same F1s over Othello's 192 slots.
        Assert.Equal(probe.Summary.Coverage * probe.Summary.Properties / 192, probe.Summary.CoverageOriginal, 12);
        Assert.InRange(probe.Summary.BoardReconstructionPooled, 0, 1);
    }

    [Fact]
    public void Chess_results_read_the_dots_and_show_the_position_as_a_FEN()
    {
        const int Width = 48;
        using TransformerModel model = RandomModel(ChessVocabulary.Size, Width, seed: 6);
        using SparseDictionary dictionary = RandomTopK(64, 4, 13);
        PgnGame[] train = [.. ChessTrainingGames.Random(10, 1, ChessTrainingGames.PliesToFill(Width))];
        PgnGame[] test = [.. ChessTrainingGames.Random(6, 2, ChessTrainingGames.PliesToFill(Width))];
        BoardResult result = ChessBoardEvaluation.Run(model, Hook, [dictionary], train, test, Small).Single();

        Assert.Equal("chess", result.EvalConfig()["game"]!.GetValue<string>());
        Assert.Equal(13 * 64, result.Details().Count);
        Assert.Equal(ChessBoardProperties.Groups, result.Metrics()["coverage_by_group"]!.AsObject().Select(p => p.Key));
        // The first read point of every game is the start position, so the white king on e1 holds there.
        Assert.True(result.Summary.PerProperty.Single(p => p.Property == "white_king e1").Positives > 0);
        JsonArray dashboards = result.Unstructured()!["feature_dashboards"]!.AsArray();
        Assert.NotEmpty(dashboards);
        foreach (JsonNode? context in dashboards.SelectMany(d => d!["contexts"]!.AsArray()))
        {
            Assert.Equal(["game", "position", "value", "tokens", "activations", "to_move", "fen"], context!.AsObject().Select(p => p.Key));
            string[] tokens = [.. context["tokens"]!.AsArray().Select(t => t!.GetValue<string>())];
            Assert.Equal(".", tokens[^1]);
            Assert.Equal(context["position"]!.GetValue<int>() + 1, tokens.Length);
            Assert.Equal(context["value"]!.GetValue<double>(), context["activations"]!.AsArray()[^1]!.GetValue<double>(), 4);
            Assert.Equal("white", context["to_move"]!.GetValue<string>());   // a '.' after a move number: White to move
            Position.FromFen(context["fen"]!.GetValue<string>());
        }
        ChessBoardEvaluation.RunProbe(model, Hook, train, test, new ProbeOptions { Epochs = 2 });
    }

    [Fact]
    public void Bad_inputs_are_one_line_argument_errors()
    {
        using TransformerModel model = RandomModel(OthelloVocabulary.Size, OthelloGame.MaxMoves, seed: 3);
        using SparseDictionary wrongSize = SharpSight.Dictionaries.Dictionary.Create(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = 16, Width = 8 });
        OthelloGame[] games = [.. OthelloRandomGames.Generate(2, 1)];
        Assert.Equal("hook 'blocks.9.hook_resid_post' is not a hook point of the model",
            Assert.Throws<ArgumentException>(() => OthelloBoardEvaluation.Run(model, "blocks.9.hook_resid_post", [], games, games)).Message);
        Assert.Equal($"dictionaries[0] reads 16-d activations but hook '{Hook}' has 32",
            Assert.Throws<ArgumentException>(() => OthelloBoardEvaluation.Run(model, Hook, [wrongSize], games, games)).Message);
        Assert.Equal("testGames is empty", Assert.Throws<ArgumentException>(() => OthelloBoardEvaluation.Run(model, Hook, [], games, [])).Message);
    }

    // Progress<T> posts to the thread pool; this reports on the caller's thread.
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
