using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

public class Gpt2ExportTests
{
    private static TransformerConfig Shape(bool tied) => new()
    {
        ModelType = "gpt2", VocabSize = 61, DModel = 32, Layers = 2, Heads = 4, KeyValueHeads = 4, HeadDim = 8, DMlp = 48, MaxPositions = 60,
        Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh, GatedMlp = false, Positions = PositionKind.Learned,
        TiedEmbeddings = tied, QkvBias = true, AttentionOutBias = true, MlpBias = true, AttentionScale = 1 / Math.Sqrt(8), SlidingWindows = new int?[2],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_exported_model_loads_back_with_identical_logits(bool tied)
    {
        using var folder = new TempFolder();
        using var model = new TransformerModel(Shape(tied));
        RandomWeights.Initialize(model, seed: 3);
        using (var noGrad = no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.EndsWith(".bias", StringComparison.Ordinal)) p.copy_(randn_like(p) * 0.1);   // biases non-zero, so their mapping is tested
        Gpt2Export.Write(model, folder.Path);
        using TransformerModel loaded = ModelLoader.Load(folder.Path);
        using var scope = NewDisposeScope();
        using var noGrad2 = no_grad();
        Tensor ids = CheckpointFolder.Ids(1, 5, 9, 20, 33);
        Assert.True(model.Forward(ids).allclose(loaded.Forward(ids), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Models_that_are_not_gpt2_shaped_are_refused()
    {
        using var model = new TransformerModel(Shape(false) with { Positions = PositionKind.Rotary, RotaryDim = 8 });
        using var folder = new TempFolder();
        Assert.Contains("rotary positions", Assert.Throws<ArgumentException>(() => Gpt2Export.Write(model, folder.Path)).Message);
    }
}
