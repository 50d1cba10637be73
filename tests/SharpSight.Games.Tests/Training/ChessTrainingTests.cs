using SharpSight.Games.Chess;
using SharpSight.Games.Training;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Games.Tests.Training;

public class ChessTrainingTests
{
    private static TransformerModel TinyChessModel(int width = 48, long seed = 1)
    {
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = ChessVocabulary.Size, DModel = 32, Layers = 2, Heads = 4, KeyValueHeads = 4, HeadDim = 8,
            DMlp = 64, MaxPositions = width, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh, GatedMlp = false,
            Positions = PositionKind.Learned, TiedEmbeddings = false, QkvBias = true, AttentionOutBias = true, MlpBias = true,
            AttentionScale = 1 / Math.Sqrt(8), SlidingWindows = new int?[2],
        });
        RandomWeights.Initialize(model, seed);
        return model;
    }

    private static long[] Ids(string text) => [.. ChessVocabulary.Encode(text).Select(i => (long)i)];

    [Fact]
    public void A_short_game_is_one_padded_row_with_next_character_targets()
    {
        PgnGame game = Transcript.ParseGame(";1.e4 e5 2.Nf3");
        var data = ChessTrainingData.FromGames([game], width: 20);
        using Tensor inputs = data.Inputs([0]), targets = data.NextTokens([0]);
        Assert.Equal(new long[] { 1, 20 }, inputs.shape);
        Assert.Equal([.. Ids(";1.e4 e5 2.Nf3"), .. Enumerable.Repeat((long)ChessTrainingData.Pad, 6)], inputs.data<long>().ToArray());
        // Position i predicts character i + 1; the last character and the padding have no target.
        Assert.Equal([.. Ids("1.e4 e5 2.Nf3"), .. Enumerable.Repeat(-100L, 7)], targets.data<long>().ToArray());
        Assert.Equal(13, data.PredictedPositions([0]));
        Assert.Equal(ChessTrainingData.Pad, ChessVocabulary.Encode(" ")[0]);
    }

    [Fact]
    public void A_game_longer_than_the_window_is_cut_and_its_last_position_predicts_the_next_character()
    {
        var data = new ChessTrainingData([";1.e4 e5 2.Nf3", ";1.d4"], width: 8);
        using Tensor inputs = data.Inputs([0, 1]), targets = data.NextTokens([0, 1]);
        long[] x = inputs.data<long>().ToArray(), y = targets.data<long>().ToArray();
        Assert.Equal(Ids(";1.e4 e5"), x[..8]);
        Assert.Equal(Ids("1.e4 e5 "), y[..8]);            // the space after e5 lies beyond the window but is still a target
        Assert.Equal([.. Ids(";1.d4"), 0, 0, 0], x[8..]);
        Assert.Equal([.. Ids("1.d4"), -100, -100, -100, -100], y[8..]);
        Assert.Equal(8 + 4, data.PredictedPositions([0, 1]));
        Assert.Equal(2, data.Count);
        Assert.Equal(8, data.Width);
        Assert.Equal(32, data.Vocabulary);
    }

    [Fact]
    public void Characters_outside_the_vocabulary_and_empty_games_are_refused()
    {
        Assert.Throws<GameRecordException>(() => new ChessTrainingData([";1.e4 e5 2.Nf3!"], 32));
        Assert.Throws<ArgumentException>(() => new ChessTrainingData([";"], 32));
        Assert.Throws<ArgumentException>(() => new ChessTrainingData([], 32));
    }

    [Fact]
    public void Move_starts_follow_the_move_number_for_white_and_the_space_for_black()
    {
        PgnGame game = Transcript.ParseGame(";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.Ba4 Nf6 5.O-O Be7 6.Re1 b5 7.Bb3 d6 8.c3 O-O 9.h3 Nb8 10.d4 Nbd7");
        var (transcript, starts) = ChessMoveStarts.Of(game);
        Assert.Equal(Transcript.Write(game.Moves), transcript);
        Assert.Equal(game.Moves.Count, starts.Count);
        Assert.Equal((3, "e4"), (starts[0].Index, starts[0].San));
        Assert.Equal((6, "e5"), (starts[1].Index, starts[1].San));
        Assert.Equal((11, "Nf3"), (starts[2].Index, starts[2].San));
        ChessMoveStart tenth = starts[18];
        Assert.Equal("10.d4", transcript[(tenth.Index - 3)..(tenth.Index + 2)]);
        Assert.Equal("d4", tenth.San);
        foreach (var (start, move) in starts.Zip(game.Moves))
        {
            Assert.Equal(start.San, transcript.Substring(start.Index, start.San.Length));
            Assert.Equal(move, start.Position.ParseSan(start.San));   // the position is the one before the move
        }
        // Nf3 occupies characters 11..13: scored only when the window predicts character 13, i.e. from width 13.
        Assert.Equal(2, ChessMoveStarts.InWindow(starts, 12).Count());
        Assert.Equal(3, ChessMoveStarts.InWindow(starts, 13).Count());
    }

    [Fact]
    public void Scoring_counts_continuations_that_name_a_legal_move_in_the_true_position()
    {
        var (_, starts) = ChessMoveStarts.Of(Transcript.ParseGame(";1.e4 e5 2.Nf3"));
        ChessMoveStart nf3 = starts[2];
        string[] candidates = ["Nf3", "Nf3+", "Nc3", "Qh5", "Nf6", "", "O-O", "e4", "Ra9", "2.Nf3"];
        bool[] legal = [true, true, true, true, false, false, false, false, false, false];
        for (int i = 0; i < candidates.Length; i++)
            Assert.Equal(legal[i] ? 1 : 0, ChessLegalMoveRate.Score([nf3], [candidates[i]]).Legal);
    }

    [Fact]
    public void A_perfect_oracle_scores_one_and_a_constant_wrong_move_scores_zero()
    {
        var starts = ChessTrainingGames.Random(20, 3, 60).SelectMany(g => ChessMoveStarts.Of(g).Starts).ToList();
        Assert.Equal(1.0, ChessLegalMoveRate.Score(starts, [.. starts.Select(s => s.San)]).Rate);
        Assert.Equal(0.0, ChessLegalMoveRate.Score(starts, [.. starts.Select(_ => "Ra9")]).Rate);
        Assert.Equal(starts.Count, ChessLegalMoveRate.Score(starts, [.. starts.Select(_ => "")]).Scored);
        Assert.True(double.IsNaN(ChessLegalMoveRate.Score([], []).Rate));
    }

    [Fact]
    public void The_san_parser_never_throws_on_what_a_model_may_write()
    {
        // The decoder hands the parser arbitrary vocabulary strings: every one must come back legal or illegal.
        var random = new SharpSight.Models.Generation.SplitMix64(17);
        var positions = ChessTrainingGames.Random(10, 4, 80).SelectMany(g => g.Positions()).ToList();
        for (int i = 0; i < 20_000; i++)
        {
            int length = (int)(random.NextUInt64() % 9);
            string text = new([.. Enumerable.Range(0, length).Select(_ => ChessVocabulary.Characters[(int)(random.NextUInt64() % ChessVocabulary.Size)])]);
            positions[i % positions.Count].TryParseSan(text, out _);
        }
    }

    [Fact]
    public void Random_games_are_seeded_legal_and_capped()
    {
        var a = ChessTrainingGames.Random(30, 9, 40).ToList();
        var b = ChessTrainingGames.Random(30, 9, 40).ToList();
        Assert.Equal(a.Select(g => Transcript.Write(g.Moves)), b.Select(g => Transcript.Write(g.Moves)));
        Assert.NotEqual(Transcript.Write(a[0].Moves), Transcript.Write(a[1].Moves));
        Assert.All(a, g => Assert.InRange(g.Moves.Count, 1, 40));
        Assert.All(a, g => Assert.Equal(g.Moves, Transcript.Parse(Transcript.Write(g.Moves))));
        Assert.True(ChessTrainingGames.PliesToFill(256) * 3 > 256 + 1);
    }

    [Fact]
    public void Batched_greedy_decoding_equals_decoding_each_prefix_alone()
    {
        const int width = 48;
        using TransformerModel model = TinyChessModel(width);
        GameModelTrainer.Train(model, ChessTrainingData.FromGames(ChessTrainingGames.Random(64, 5, 20), width),
            new TrainingOptions { Steps = 15, BatchSize = 16, WarmupSteps = 3, LearningRate = 1e-2 });   // a model that writes moves, not noise
        var games = ChessTrainingGames.Random(6, 6, 20).ToList();
        var transcripts = new List<int[]>();
        var requests = new List<ChessContinuationRequest>();
        foreach (PgnGame game in games)
        {
            var (text, starts) = ChessMoveStarts.Of(game);
            foreach (ChessMoveStart s in ChessMoveStarts.InWindow(starts, width))
                requests.Add(new(transcripts.Count, s.Index, Math.Min(ChessLegalMoveRate.MaxMoveCharacters, width + 1 - s.Index)));
            transcripts.Add(ChessVocabulary.Encode(text));
        }
        string[] batched = ChessGreedyDecoder.Continue(model, transcripts, requests, transcriptsPerPass: 4, batchSize: 5);
        string[] alone = [.. requests.Select(r => DecodeAlone(model, transcripts[r.Row][..r.Prefix], r.Budget))];
        Assert.Equal(alone, batched);
        Assert.Contains(batched, t => t.Length >= 2);    // decoding went past the first character
        Assert.Contains(requests, r => r.Budget < ChessLegalMoveRate.MaxMoveCharacters);   // and met the end of the window
    }

    // The plain definition: run the whole prefix, append the argmax, repeat; no cache, no batching, no padding.
    private static string DecodeAlone(TransformerModel model, int[] prefix, int budget)
    {
        var ids = prefix.Select(i => (long)i).ToList();
        var text = new System.Text.StringBuilder();
        using var noGrad = no_grad();
        while (text.Length < budget)
        {
            using Tensor logits = model.Forward(ids);
            char c = ChessVocabulary.Characters[(int)logits[-1].argmax().item<long>()];
            if (c == ' ') break;
            text.Append(c);
            ids.Add(ChessVocabulary.Encode(c.ToString())[0]);
        }
        return text.ToString();
    }

    [Fact]
    public void The_legal_move_rate_scores_every_move_in_the_window()
    {
        const int width = 40;
        using TransformerModel model = TinyChessModel(width);
        var games = ChessTrainingGames.Random(5, 8, 30).ToList();
        ChessLegalMoveScore score = ChessLegalMoveRate.Measure(model, games, width);
        Assert.Equal(games.Sum(g => ChessMoveStarts.InWindow(ChessMoveStarts.Of(g).Starts, width).Count()), score.Scored);
        Assert.InRange(score.Legal, 0, score.Scored);
    }

    [Fact]
    public void A_resumed_chess_run_gives_the_same_losses_and_weights_as_an_uninterrupted_one()
    {
        const int width = 32;
        var data = ChessTrainingData.FromGames(ChessTrainingGames.Random(40, 5, 15), width);
        var options = new TrainingOptions { Steps = 12, BatchSize = 8, WarmupSteps = 3, CheckpointEvery = 4, Seed = 9, LearningRate = 3e-3 };
        string straight = Folder(), interrupted = Folder();
        try
        {
            using TransformerModel a = TinyChessModel(width), b = TinyChessModel(width);
            TrainingRun whole = GameModelTrainer.Train(a, data, options, straight);

            using var cancel = new CancellationTokenSource();
            var stopAtSeven = new Progress(p => { if (p.Step == 7) cancel.Cancel(); });
            TrainingRun first = GameModelTrainer.Train(b, data, options, interrupted, stopAtSeven, cancel.Token);
            Assert.False(first.Completed);
            using TransformerModel c = TinyChessModel(width, seed: 99);   // a fresh process would start from other weights
            TrainingRun second = GameModelTrainer.Train(c, data, options, interrupted);
            Assert.Equal(7, second.FirstStep);
            Assert.Equal(whole.Losses, [.. first.Losses, .. second.Losses]);
            foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(c.named_parameters()))
                Assert.True(x.eq(y).all().item<bool>(), name);
        }
        finally
        {
            Directory.Delete(straight, recursive: true);
            Directory.Delete(interrupted, recursive: true);
        }
    }

    [Fact]
    public void The_legal_move_objective_needs_legal_move_targets()
    {
        var data = new ChessTrainingData([";1.e4 e5"], 16);
        using TransformerModel model = TinyChessModel(16);
        var error = Assert.Throws<ArgumentException>(() =>
            GameModelTrainer.Train(model, data, new TrainingOptions { Steps = 1, BatchSize = 1, Objective = TrainingObjective.LegalMoves }));
        Assert.Contains("next-token objective", error.Message);
    }

    [Fact]
    public void Chess_and_othello_training_folders_refuse_each_other()
    {
        string chess = Folder(), othello = Folder();
        try
        {
            ChessPresets.Record(chess, ChessPresets.Small, "random");
            Assert.Contains("trains a chess model", Assert.Throws<ArgumentException>(() => OthelloPresets.Record(chess, OthelloPresets.Small)).Message);
            Assert.Throws<ArgumentException>(() => ChessPresets.Record(chess, ChessPresets.Small with { Options = ChessPresets.Small.Options with { Seed = 1 } }, "random"));
            ChessPresets.Record(chess, ChessPresets.Small with { Options = ChessPresets.Small.Options with { Steps = 5 } }, "random");   // continuing further is fine
            OthelloPresets.Record(othello, OthelloPresets.Small);
            Assert.Contains("trains an Othello model", Assert.Throws<ArgumentException>(() => ChessPresets.Record(othello, ChessPresets.Small, "random")).Message);
        }
        finally
        {
            Directory.Delete(chess, recursive: true);
            Directory.Delete(othello, recursive: true);
        }
    }

    [Fact]
    public void A_chess_training_folder_loads_with_its_latest_weights()
    {
        string folder = Folder();
        try
        {
            ChessPreset preset = ChessPresets.Small with { Options = ChessPresets.Small.Options with { Steps = 1, BatchSize = 2 } };
            ChessPresets.Record(folder, preset, "random");
            using var trained = new TransformerModel(preset.Config);
            RandomWeights.Initialize(trained, 3);
            GameModelTrainer.Train(trained, ChessTrainingData.FromGames(ChessTrainingGames.Random(4, 1, 90), preset.ContextWidth), preset.Options, folder);
            using TransformerModel loaded = ChessPresets.Load(folder);
            Assert.Equal(256, loaded.Config.MaxPositions);
            foreach (var ((name, x), (_, y)) in trained.named_parameters().Zip(loaded.named_parameters()))
                Assert.True(x.eq(y).all().item<bool>(), name);
            Assert.Contains("a chess training folder", Assert.Throws<ArgumentException>(() => OthelloPresets.Load(folder)).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Presets_are_gpt2_shaped_character_models()
    {
        Assert.Equal((4, 128, 4, 256), (ChessPresets.Small.Layers, ChessPresets.Small.DModel, ChessPresets.Small.Heads, ChessPresets.Small.ContextWidth));
        Assert.Equal((8, 512, 8, 1024), (ChessPresets.Paper.Layers, ChessPresets.Paper.DModel, ChessPresets.Paper.Heads, ChessPresets.Paper.ContextWidth));
        Assert.Equal(ChessVocabulary.Size, ChessPresets.Paper.Config.VocabSize);
        Assert.Equal(1024, ChessPresets.Paper.Config.MaxPositions);
        Assert.All(new[] { ChessPresets.Small, ChessPresets.Paper }, p => Assert.Equal(TrainingObjective.NextToken, p.Options.Objective));
        Assert.Same(ChessPresets.Paper, ChessPresets.Named("paper"));
        Assert.Contains("not one of small, paper", Assert.Throws<ArgumentException>(() => ChessPresets.Named("lab")).Message);
    }

    private static string Folder() => Path.Combine(Path.GetTempPath(), "sharpsight-training-tests", Guid.NewGuid().ToString("N"));

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
