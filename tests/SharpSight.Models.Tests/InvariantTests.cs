using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Tests.Reference;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

/// <summary>Properties every causal LM must have, checked for every family.</summary>
public class InvariantTests
{
    private static TransformerModel Load(string configName, TempFolder folder)
    {
        var config = TestConfigs.All[configName]();
        CheckpointFolder.Write(folder.Path, config, TinyCheckpoints.RandomWeights(config, seed: 3));
        return ModelLoader.Load(folder.Path);
    }

    [Theory]
    [MemberData(nameof(TestConfigs.Names), MemberType = typeof(TestConfigs))]
    public void Changing_a_later_token_never_changes_earlier_logits(string configName)
    {
        using var folder = new TempFolder();
        using TransformerModel model = Load(configName, folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int[] changed = (int[])TestConfigs.Sequence.Clone();
        changed[6] = (changed[6] + 13) % model.Config.VocabSize;

        Tensor original = model.Forward(CheckpointFolder.Ids(TestConfigs.Sequence));
        Tensor edited = model.Forward(CheckpointFolder.Ids(changed));

        Assert.True(original.narrow(0, 0, 6).allclose(edited.narrow(0, 0, 6), rtol: 0, atol: 1e-6), "positions before the change moved");
        Assert.False(original.narrow(0, 6, 1).allclose(edited.narrow(0, 6, 1), rtol: 0, atol: 1e-6), "the changed position did not move");
    }

    [Theory]
    [MemberData(nameof(TestConfigs.Names), MemberType = typeof(TestConfigs))]
    public void Running_on_from_a_block_output_gives_the_full_forward_logits(string configName)
    {
        using var folder = new TempFolder();
        using TransformerModel model = Load(configName, folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(TestConfigs.Sequence).unsqueeze(0);
        string hook = "blocks.0.hook_resid_post";
        (Tensor logits, var cache) = SharpSight.Models.Hooks.ActivationCache.Run(model, ids, include: name => name == hook);
        using (cache)
        {
            Tensor resumed = model.ForwardFromResidual(0, cache[hook]);
            Assert.True(logits.allclose(resumed, rtol: 1e-5, atol: 1e-5), $"max difference {(logits - resumed).abs().max().item<float>()}");
        }
        Tensor last = model.ForwardFromResidual(model.Config.Layers - 1, zeros(1, 3, model.Config.DModel));   // only the head is left
        Assert.Equal([1L, 3, model.Config.VocabSize], last.shape);
        Assert.Contains("is not a block", Assert.Throws<ArgumentException>(() => model.ForwardFromResidual(model.Config.Layers, zeros(1, 3, model.Config.DModel))).Message);
    }

    [Theory]
    [MemberData(nameof(TestConfigs.Names), MemberType = typeof(TestConfigs))]
    public void Left_padded_batch_equals_single_runs(string configName)
    {
        using var folder = new TempFolder();
        using TransformerModel model = Load(configName, folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int[] longer = TestConfigs.Sequence, shorter = TestConfigs.Sequence[..6].Reverse().ToArray();
        int padding = longer.Length - shorter.Length;

        Tensor ids = stack([CheckpointFolder.Ids(longer), CheckpointFolder.Ids([.. Enumerable.Repeat(0, padding), .. shorter])]);
        Tensor mask = stack([ones(longer.Length, ScalarType.Int64), cat([zeros(padding, ScalarType.Int64), ones(shorter.Length, ScalarType.Int64)])]);
        Tensor batched = model.Forward(ids, mask);

        Tensor singleLong = model.Forward(CheckpointFolder.Ids(longer));
        Tensor singleShort = model.Forward(CheckpointFolder.Ids(shorter));
        Assert.True(batched[0].allclose(singleLong, rtol: 0, atol: 1e-5), "unpadded row differs from its single run");
        Assert.True(batched[1].narrow(0, padding, shorter.Length).allclose(singleShort, rtol: 0, atol: 1e-5), "padded row differs from its single run");
        Assert.False(batched.isnan().any().item<bool>(), "padding produced NaN");
    }

    [Theory]
    [MemberData(nameof(TestConfigs.OnePerFamily), MemberType = typeof(TestConfigs))]
    public void Fused_and_explicit_attention_agree(string configName)
    {
        using var folder = new TempFolder();
        using TransformerModel model = Load(configName, folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(TestConfigs.Sequence);
        Tensor fused = model.Forward(ids);
        // Any hook on the pattern forces the explicit path (scores materialised, softmax, pattern @ v).
        var removals = model.Hooks.Where(p => p.Name.EndsWith("hook_pattern", StringComparison.Ordinal)).Select(p => p.Add((x, _) => null)).ToList();
        Tensor explicitPath = model.Forward(ids);
        removals.ForEach(r => r.Dispose());
        Assert.True(fused.allclose(explicitPath, rtol: 0, atol: 1e-5));
    }
}
