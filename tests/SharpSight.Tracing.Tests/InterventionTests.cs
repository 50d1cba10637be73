using SharpSight.Models.Modules;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Tests;

public class InterventionTests(TracingFixture fixture) : IClassFixture<TracingFixture>
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Zero_ablating_an_mlp_output_equals_a_hand_written_forward_without_it(int layer)
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        input.Blocks[layer].MlpOut.Zero();
        input.Logits.Value.Save("logits");
        using TraceResult result = trace.Run();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = tensor(TracingFixture.Clean).unsqueeze(0);
        Tensor positions = arange(ids.shape[1]).unsqueeze(0);
        // The forward pass written out by hand from the model's own modules, skipping one MLP.
        Tensor x = model.Embed.Forward(ids) + model.PositionEmbed!.Forward(positions);
        using var context = new AttentionContext(ids.shape[1], ids.shape[1], null, null, null, null, model.Device);
        for (int l = 0; l < model.Config.Layers; l++)
        {
            TransformerBlock block = model.Blocks[l];
            Tensor mid = x + block.Attention.Forward(block.Ln1.Forward(x), context);
            x = l == layer ? mid : mid + block.Mlp.Forward(block.Ln2.Forward(mid));
        }
        Tensor expected = nn.functional.linear(model.LnFinal.Forward(x), model.UnembedWeight);
        Assert.True(result["logits"].allclose(expected, rtol: 0, atol: 1e-5));
        Assert.False(result["logits"].allclose(model.Forward(ids), rtol: 0, atol: 1e-4), "the ablation changed nothing");
    }

    [Fact]
    public void Patching_the_residual_stream_gives_the_source_inputs_values_downstream()
    {
        using TransformerModel model = fixture.Load("tiny-llama");
        var trace = new Trace(model);
        TraceInput clean = trace.Input(TracingFixture.Clean), corrupt = trace.Input(TracingFixture.Corrupt);
        // Whole residual stream after block 0: everything downstream of it becomes the clean run's.
        corrupt.Blocks[0].ResidPost.Set(clean.Blocks[0].ResidPost.Value);
        clean.Blocks[1].ResidPost.Value.Save("clean_resid");
        corrupt.Blocks[1].ResidPost.Value.Save("patched_resid");
        using TraceResult result = trace.Run();
        Assert.True(result["patched_resid"].allclose(result["clean_resid"], rtol: 0, atol: 1e-6));
        Assert.True(result.Logits![1].allclose(result.Logits[0], rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Patching_one_position_changes_only_that_position_and_later_ones()
    {
        using TransformerModel model = fixture.Load("tiny-pythia");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor corruptAlone = model.Forward(TracingFixture.Corrupt);

        var trace = new Trace(model);
        TraceInput clean = trace.Input(TracingFixture.Clean), corrupt = trace.Input(TracingFixture.Corrupt);
        corrupt.Blocks[1].ResidPre.Positions(3).Set(clean.Blocks[1].ResidPre.Positions(3).Value);
        using TraceResult result = trace.Run();
        Tensor patched = result.Logits![1][0];
        Assert.True(patched.narrow(0, 0, 3).allclose(corruptAlone.narrow(0, 0, 3), rtol: 0, atol: 1e-5), "earlier positions moved");
        Assert.False(patched.narrow(0, 3, 1).allclose(corruptAlone.narrow(0, 3, 1), rtol: 0, atol: 1e-4), "the patched position did not move");
    }

    [Fact]
    public void Steering_adds_a_scaled_vector_and_heads_can_be_ablated()
    {
        using TransformerModel model = fixture.Load("tiny-gemma2");
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        TraceValue before = input.Blocks[0].ResidPost.Value;
        var direction = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray();
        input.Blocks[0].ResidPost.Add(trace.Constant(direction, 64), scale: 4.0);
        TraceValue after = input.Blocks[1].ResidPre.Value;
        (after - before).Save("difference");
        input.Blocks[1].Attn.Z.Heads(2).Zero();
        input.Blocks[1].Attn.Z.Value.Save("z");
        using TraceResult result = trace.Run();
        using var scope = NewDisposeScope();
        Tensor expected = (4.0 * tensor(direction)).expand(1, 6, 64);
        Assert.True(result["difference"].allclose(expected, rtol: 0, atol: 1e-5));
        Assert.Equal(0f, result["z"].select(2, 2).abs().sum().item<float>());
        Assert.True(result["z"].select(2, 1).abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Mean_ablation_replaces_every_position_with_the_mean_and_resampling_takes_another_input()
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        var trace = new Trace(model);
        TraceInput clean = trace.Input(TracingFixture.Clean), corrupt = trace.Input(TracingFixture.Corrupt);
        TraceValue original = clean.Blocks[0].AttnOut.Value;
        original.Save("original");
        clean.Blocks[0].AttnOut.MeanAblate();
        clean.Blocks[0].ResidMid.Value.Save("mid");
        clean.Blocks[0].ResidPre.Value.Save("pre");
        corrupt.Blocks[1].MlpOut.Resample(clean);
        clean.Blocks[1].MlpOut.Value.Save("clean_mlp");
        corrupt.Blocks[1].ResidPost.Value.Save("corrupt_post");
        corrupt.Blocks[1].ResidMid.Value.Save("corrupt_mid");
        using TraceResult result = trace.Run();
        using var scope = NewDisposeScope();
        Tensor mean = result["original"].mean([1L], keepdim: true);
        Assert.True((result["mid"] - result["pre"]).allclose(mean.expand(1, 6, 64), rtol: 0, atol: 1e-6));
        Assert.True(result["corrupt_post"].allclose(result["corrupt_mid"] + result["clean_mlp"], rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Stopping_early_skips_the_rest_of_the_forward_pass()
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        int laterHookCalls = 0;
        using var spy = model.Hooks["blocks.1.hook_resid_pre"].Add((x, _) => { laterHookCalls++; return null; });
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        input.Blocks[0].ResidPost.Value.Save("resid");
        trace.StopAfter(input.Blocks[0].ResidPost);
        using TraceResult result = trace.Run();
        Assert.Null(result.Logits);
        Assert.Equal(new long[] { 1, 6, 64 }, result["resid"].shape);
        Assert.Equal(0, laterHookCalls);
    }

    [Fact]
    public void Inputs_of_different_lengths_are_left_padded_and_match_their_own_runs()
    {
        using TransformerModel model = fixture.Load("tiny-llama");
        var trace = new Trace(model);
        trace.Input(TracingFixture.Clean);
        trace.Input([5, 6, 7]);
        using TraceResult result = trace.Run();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.True(result.Logits![1][0].narrow(0, 3, 3).allclose(model.Forward([5L, 6, 7]), rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Local_callbacks_run_and_their_declared_shape_is_checked()
    {
        using TransformerModel model = fixture.Load("tiny-gpt2");
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        trace.Callback("double", t => t[0] * 2, [1, 6, 64], input.Blocks[0].ResidPost.Value).Save("twice");
        input.Blocks[0].ResidPost.Value.Save("once");
        using TraceResult result = trace.Run();
        Assert.True(result["twice"].allclose(result["once"] * 2));
    }
}
