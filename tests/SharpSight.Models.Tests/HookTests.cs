using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Loading;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

public class HookTests
{
    private static TransformerModel Builtin(string name, TempFolder home) =>
        ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + name, home.Path));

    public static IEnumerable<object[]> BuiltinNames => BuiltinModels.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(BuiltinNames))]
    public void Every_family_exposes_the_same_vocabulary(string name)
    {
        using var home = new TempFolder();
        using TransformerModel model = Builtin(name, home);
        string[] perBlock =
        [
            "hook_resid_pre", "ln1.hook_normalized", "attn.hook_q", "attn.hook_k", "attn.hook_v", "attn.hook_attn_scores",
            "attn.hook_pattern", "attn.hook_z", "hook_attn_out", "hook_resid_mid", "ln2.hook_normalized", "mlp.hook_pre",
            "mlp.hook_post", "hook_mlp_out", "hook_resid_post",
        ];
        foreach (string hook in perBlock)
            for (int layer = 0; layer < model.Config.Layers; layer++)
                Assert.True(model.Hooks.Contains($"blocks.{layer}.{hook}"), $"blocks.{layer}.{hook}");
        Assert.True(model.Hooks.Contains("hook_embed"));
        Assert.True(model.Hooks.Contains("ln_final.hook_normalized"));
        Assert.True(model.Hooks.Contains("hook_logits"));
        Assert.Equal(name == "tiny-gpt2", model.Hooks.Contains("hook_pos_embed"));
    }

    [Theory]
    [MemberData(nameof(BuiltinNames))]
    public void Cached_shapes_match_the_documented_shapes(string name)
    {
        using var home = new TempFolder();
        using TransformerModel model = Builtin(name, home);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, CheckpointFolder.Ids(1, 2, 3, 4, 5).unsqueeze(0));
        using (cache)
        {
            Assert.Equal(model.Hooks.Count, cache.Count);
            foreach (HookPoint point in model.Hooks)
            {
                Assert.Equal(point.Shape.Resolve(batch: 1, positions: 5, keyPositions: 5), cache[point.Name].shape);
            }
            Assert.True(cache["hook_logits"].allclose(logits));
        }
    }

    [Fact]
    public void A_hook_can_replace_an_activation_and_removal_restores_the_model()
    {
        using var home = new TempFolder();
        using TransformerModel model = Builtin("tiny-llama", home);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(4, 8, 15, 16, 23, 42);
        Tensor clean = model.Forward(ids);

        // Zero-ablating the last block's MLP output must give logits of ln_final(resid_mid) exactly.
        Tensor? residMid = null;
        using (model.Hooks["blocks.1.hook_resid_mid"].Add((x, _) => { residMid = x.detach().clone().DetachFromDisposeScope(); return null; }))
        using (model.Hooks["blocks.1.hook_mlp_out"].Add((x, _) => zeros_like(x)))
        {
            Tensor ablated = model.Forward(ids);
            Tensor expected = nn.functional.linear(model.LnFinal.Forward(residMid!), model.UnembedWeight);
            Assert.True(ablated.allclose(expected.squeeze(0), rtol: 0, atol: 1e-6));
            Assert.False(ablated.allclose(clean, rtol: 0, atol: 1e-4));
        }
        residMid!.Dispose();
        Assert.True(model.Forward(ids).eq(clean).all().item<bool>(), "removing the hooks did not restore the model");
    }

    [Fact]
    public void Hooks_run_in_the_order_they_were_added()
    {
        var point = new HookPoint("test.hook", new HookShape(1));
        using var scope = NewDisposeScope();
        using var first = point.Add((x, _) => x * 2);
        using var second = point.Add((x, _) => x + 1);
        Assert.Equal(7f, point.Run(tensor(3f)).item<float>());   // (3 * 2) + 1, not (3 + 1) * 2
    }

    [Fact]
    public void Reading_every_activation_leaves_the_logits_unchanged()
    {
        using var home = new TempFolder();
        using TransformerModel model = Builtin("tiny-gemma2", home);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(9, 8, 7, 6, 5, 4, 3, 2, 1);
        Tensor plain = model.Forward(ids);
        (Tensor cached, ActivationCache cache) = ActivationCache.Run(model, ids);
        cache.Dispose();
        // Gemma-2 always takes the explicit attention path (soft-capping), so the results are bit-identical.
        Assert.True(plain.eq(cached).all().item<bool>());
    }

    [Fact]
    public void Unknown_hook_names_suggest_the_closest()
    {
        using var home = new TempFolder();
        using TransformerModel model = Builtin("tiny-gpt2", home);
        var error = Assert.Throws<KeyNotFoundException>(() => model.Hooks["blocks.1.hook_resid_psot"]);
        Assert.Contains("blocks.1.hook_resid_post", error.Message);
    }

    [Fact]
    public void Gradients_flow_to_an_activation_through_a_hook()
    {
        using var home = new TempFolder();
        using TransformerModel model = Builtin("tiny-pythia", home);
        using var scope = NewDisposeScope();
        Tensor? resid = null;
        using var hook = model.Hooks["blocks.0.hook_resid_post"].Add((x, _) =>
        {
            resid = x.detach().requires_grad_(true).DetachFromDisposeScope();   // kept beyond the forward's dispose scope
            return resid;
        });
        Tensor logits = model.Forward(CheckpointFolder.Ids(1, 2, 3));
        // The first position's logit depends on the first position only: causality, seen through gradients.
        Tensor grad = autograd.grad([logits[0, 7]], [resid!])[0];
        Assert.Equal(resid!.shape, grad.shape);
        Assert.True(grad[0, 0].abs().sum().item<float>() > 0, "no gradient at the first position");
        Assert.Equal(0f, grad[0, 1].abs().sum().item<float>() + grad[0, 2].abs().sum().item<float>());
    }
}

public class ActivationCacheTests
{
    [Fact]
    public void Patterns_select_hook_points_and_memory_is_accounted()
    {
        using var home = new TempFolder();
        using TransformerModel model = ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + "tiny-gpt2", home.Path));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, CheckpointFolder.Ids(1, 2, 3).unsqueeze(0),
            include: ActivationCache.Matching("blocks.*.hook_resid_post", "blocks.0.attn.hook_pattern"), toCpu: true);
        using (cache)
        {
            Assert.Equal(new[] { "blocks.0.attn.hook_pattern", "blocks.0.hook_resid_post", "blocks.1.hook_resid_post" }, cache.Keys.Order());
            // Two residual streams [1, 3, 64] and one pattern [1, 4, 3, 3], float32.
            Assert.Equal((2 * 3 * 64 + 4 * 3 * 3) * 4L, cache.MemoryBytes);
        }
    }
}
