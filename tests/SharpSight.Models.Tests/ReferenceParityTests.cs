using SharpSight.Models.Hooks;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Tests.Reference;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

/// <summary>
/// Loads tiny random checkpoints written in the Hub layout and compares logits and every hook point with the
/// independent float64 step-by-step implementation of Hugging Face semantics in Reference/.
/// </summary>
public class ReferenceParityTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(TestConfigs.Names), MemberType = typeof(TestConfigs))]
    public void Logits_match_the_reference(string configName)
    {
        using var folder = new TempFolder();
        (ReferenceRun expected, TransformerModel model) = LoadWithReference(configName, seed: 7, folder);
        using var disposeModel = model;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor logits = model.Forward(CheckpointFolder.Ids(TestConfigs.Sequence));

        AssertClose(expected.LogitsTensor, logits, "logits");
    }

    [Theory]
    [MemberData(nameof(TestConfigs.Names), MemberType = typeof(TestConfigs))]
    public void Every_hook_point_matches_the_reference(string configName)
    {
        using var folder = new TempFolder();
        (ReferenceRun expected, TransformerModel model) = LoadWithReference(configName, seed: 11, folder);
        using var disposeModel = model;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, CheckpointFolder.Ids(TestConfigs.Sequence).unsqueeze(0));
        using (cache)
        {
            AssertClose(expected.LogitsTensor, logits.squeeze(0), "logits (explicit attention path)");
            foreach ((string name, RefTensor value) in expected.Hooks)
            {
                Assert.True(cache.ContainsKey(name), $"hook point {name} missing");
                Tensor actual = cache[name].squeeze(0);
                if (name.EndsWith("hook_attn_scores", StringComparison.Ordinal)) AssertCloseWhereFinite(value, actual, name);
                else AssertClose(value, actual, name);
            }
        }
    }

    // Random weights for the named config, run through the reference and written as a Hub-layout folder, then loaded.
    private static (ReferenceRun Expected, TransformerModel Model) LoadWithReference(string configName, int seed, TempFolder folder)
    {
        var config = TestConfigs.All[configName]();
        var weights = TinyCheckpoints.RandomWeights(config, seed);
        ReferenceRun expected = ReferenceModels.Run(config, weights, TestConfigs.Sequence);
        CheckpointFolder.Write(folder.Path, config, weights);
        return (expected, ModelLoader.Load(folder.Path));
    }

    private static void AssertClose(RefTensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape.Select(d => (long)d), actual.shape);
        float[] values = actual.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        double worst = 0;
        for (int i = 0; i < values.Length; i++) worst = Math.Max(worst, Math.Abs(values[i] - expected.Data[i]));
        Assert.True(worst <= Tolerance, $"{what}: max abs difference {worst:G3} > {Tolerance}");
    }

    private static void AssertCloseWhereFinite(RefTensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape.Select(d => (long)d), actual.shape);
        float[] values = actual.contiguous().data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNegativeInfinity(expected.Data[i])) Assert.True(float.IsNegativeInfinity(values[i]), $"{what}[{i}] should be masked");
            else Assert.True(Math.Abs(values[i] - expected.Data[i]) <= Tolerance, $"{what}[{i}]: {values[i]} vs {expected.Data[i]}");
        }
    }
}
