using SharpSight.Games.Laboratory;
using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Games.Tests.Laboratory;

public sealed class LaboratoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharpsight-lab-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static TransformerModel TinyModel(int vocabulary = OthelloVocabulary.Size)
    {
        var model = new TransformerModel(new TransformerConfig
        {
            ModelType = "gpt2", VocabSize = vocabulary, DModel = 16, Layers = 1, Heads = 2, KeyValueHeads = 2, HeadDim = 8,
            DMlp = 32, MaxPositions = 64, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh, GatedMlp = false,
            Positions = PositionKind.Learned, TiedEmbeddings = false, QkvBias = true, AttentionOutBias = true, MlpBias = true,
            AttentionScale = 1 / Math.Sqrt(8), SlidingWindows = new int?[1],
        });
        RandomWeights.Initialize(model, 3);
        return model;
    }

    [Fact]
    public void The_legal_move_rate_agrees_with_replaying_every_top_1_move_on_the_board()
    {
        using TransformerModel model = TinyModel();
        OthelloGame[] games = [.. OthelloRandomGames.Generate(12, 77)];
        LegalMoveReport report = LegalMoveEvaluation.OnGames(model, games, "test games");

        // Independent count: one game at a time, the top-1 token after each move checked against the board's legal moves.
        long legal = 0, positions = 0;
        using var noGrad = no_grad();
        foreach (OthelloGame game in games)
        {
            int[] tokens = OthelloVocabulary.Encode(game);
            OthelloBoardState[] states = OthelloVocabulary.StatesAfterEachMove(game);
            using Tensor logits = model.Forward(tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0));
            long[] best = logits[0].argmax(-1).data<long>().ToArray();
            for (int i = 0; i + 1 < tokens.Length; i++)
            {
                positions++;
                if (best[i] != OthelloVocabulary.Pad && states[i].LegalMoveCells()[OthelloVocabulary.SquareOf((int)best[i])]) legal++;
            }
        }
        Assert.Equal(positions, report.Positions);
        Assert.Equal(12, report.Games);
        Assert.Equal(legal / (double)positions, report.Rate, 12);
    }

    [Fact]
    public void Championship_games_are_scored_from_the_csv()
    {
        using TransformerModel model = TinyModel();
        string csv = SharedData.Path("datasets/othello/othello_dataset.csv");
        LegalMoveReport report = LegalMoveEvaluation.OnChampionshipGames(model, csv, limit: 5);
        OthelloGame[] firstFive = [.. OthelloChampionshipCsv.Read(csv).Take(5).Select(r => r.Game)];
        Assert.Equal(5, report.Games);
        Assert.Equal(firstFive.Sum(g => (long)g.Moves().Length - 1), report.Positions);
        Assert.Equal(LegalMoveEvaluation.OnGames(model, firstFive, "x").Rate, report.Rate, 12);
    }

    [Fact]
    public void Models_load_from_a_Hugging_Face_folder_and_a_training_folder()
    {
        using TransformerModel model = TinyModel();
        string exported = Path.Combine(_root, "hf");
        Gpt2Export.Write(model, exported);
        using TransformerModel loaded = OthelloLaboratory.LoadModel(exported);
        using Tensor ids = tensor(new long[] { 20, 21, 30 }).unsqueeze(0);
        using (var noGrad = no_grad())
            Assert.True(model.Forward(ids).allclose(loaded.Forward(ids), rtol: 0, atol: 1e-6));

        string training = Path.Combine(_root, "run");
        var preset = OthelloPresets.Small with { Options = OthelloPresets.Small.Options with { Steps = 1, CheckpointEvery = 1 } };
        OthelloPresets.Record(training, preset);
        using (var fresh = new TransformerModel(preset.Config))
        {
            RandomWeights.Initialize(fresh, 1);
            GameModelTrainer.Train(fresh, new OthelloTrainingData([.. OthelloRandomGames.Generate(4, 1)]), preset.Options, training);
        }
        using TransformerModel fromRun = OthelloLaboratory.LoadModel(training);
        Assert.Equal(preset.Config.DModel, fromRun.Config.DModel);
    }

    [Fact]
    public void Folders_that_hold_no_Othello_model_are_refused_by_name()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        var neither = Assert.Throws<ArgumentException>(() => OthelloLaboratory.LoadModel(empty));
        Assert.Equal($"{empty}: neither a training folder (preset.json) nor a Hugging Face model folder (config.json)", neither.Message);

        using TransformerModel small = TinyModel(vocabulary: 40);
        string text = Path.Combine(_root, "text");
        Gpt2Export.Write(small, text);
        var notOthello = Assert.Throws<ArgumentException>(() => OthelloLaboratory.LoadModel(text));
        Assert.Equal($"{text}: vocab_size 40 is smaller than the Othello vocabulary (61 tokens); not an Othello model", notOthello.Message);
    }

    [Fact]
    public void The_shipped_laboratory_model_is_the_one_its_card_describes()
    {
        // models/othello-lab, found above the test's working directory: 6 x 256, and legal on held-out random games
        // (its card reports 98.3% on 2,000 games; 200 games keep this test at about a second).
        using TransformerModel model = OthelloLaboratory.LoadModel(OthelloLaboratory.DefaultFolder());
        Assert.Equal((6, 256, 8), (model.Config.Layers, model.Config.DModel, model.Config.Heads));
        Assert.Equal(4_785_664, model.parameters().Sum(p => p.numel()));
        LegalMoveReport report = LegalMoveEvaluation.OnRandomGames(model, 200, seed: 99);
        Assert.True(report.Rate >= 0.97, $"legal-move rate {report.Rate:P2}");
    }
}
