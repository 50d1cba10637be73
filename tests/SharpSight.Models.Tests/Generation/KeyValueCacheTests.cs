using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Tests.Reference;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests.Generation;

/// <summary>Decoding with the cache must give the logits of a full forward pass.</summary>
public class KeyValueCacheTests
{
    private static TransformerModel Load(string configName, TempFolder folder)
    {
        var config = TestConfigs.All[configName]();
        CheckpointFolder.Write(folder.Path, config, TinyCheckpoints.RandomWeights(config, seed: 21));
        return ModelLoader.Load(folder.Path);
    }

    [Theory]
    [MemberData(nameof(TestConfigs.Names), MemberType = typeof(TestConfigs))]
    public void Token_by_token_decoding_with_the_cache_equals_the_full_forward(string configName)
    {
        using var folder = new TempFolder();
        using TransformerModel model = Load(configName, folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(TestConfigs.Sequence);
        Tensor full = model.Forward(ids);

        using KeyValueCache cache = model.NewCache();
        // A 3-token prefix, then one token at a time: sliding windows (2, 3, 4) are crossed while cached.
        Tensor first = model.Forward(ids.narrow(0, 0, 3), cache: cache);
        Assert.True(first.allclose(full.narrow(0, 0, 3), rtol: 0, atol: 1e-5));
        for (int position = 3; position < ids.shape[0]; position++)
        {
            Tensor step = model.Forward(ids.narrow(0, position, 1), cache: cache);
            Assert.True(step.allclose(full.narrow(0, position, 1), rtol: 0, atol: 1e-5), $"position {position}");
        }
        Assert.Equal(ids.shape[0], cache.Length);
    }

    [Theory]
    [MemberData(nameof(TestConfigs.OnePerFamily), MemberType = typeof(TestConfigs))]
    public void Cached_decoding_of_a_left_padded_batch_equals_single_runs(string configName)
    {
        using var folder = new TempFolder();
        using TransformerModel model = Load(configName, folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int[] longer = TestConfigs.Sequence, shorter = TestConfigs.Sequence[2..7];
        int padding = longer.Length - shorter.Length, prefix = 4;
        Tensor ids = stack([CheckpointFolder.Ids(longer), CheckpointFolder.Ids([.. Enumerable.Repeat(0, padding), .. shorter])]);
        Tensor mask = stack([ones(longer.Length, ScalarType.Int64), cat([zeros(padding, ScalarType.Int64), ones(shorter.Length, ScalarType.Int64)])]);

        using KeyValueCache cache = model.NewCache();
        var pieces = new List<Tensor> { model.Forward(ids.narrow(1, 0, prefix + padding), mask.narrow(1, 0, prefix + padding), cache) };
        for (int position = prefix + padding; position < longer.Length; position++)
            pieces.Add(model.Forward(ids.narrow(1, position, 1), mask.narrow(1, 0, position + 1), cache));
        Tensor batched = cat(pieces, 1);

        Assert.True(batched[0].allclose(model.Forward(CheckpointFolder.Ids(longer)), rtol: 0, atol: 1e-5));
        Assert.True(batched[1].narrow(0, padding, shorter.Length).allclose(model.Forward(CheckpointFolder.Ids(shorter)), rtol: 0, atol: 1e-5));
    }
}
