using SharpSight.Models.Modules;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Tests;

/// <summary>Gradients at hook points against central finite differences, all in float64.</summary>
public class GradientTests(TracingFixture fixture) : IClassFixture<TracingFixture>
{
    // Logit difference at the last position, optionally with an intervention (zeroed MLP) in place.
    private static TraceValue LogitDifference(TraceInput input) => input.Logits.Value[0, ^1, 5] - input.Logits.Value[0, ^1, 7];

    [Theory]
    [InlineData("tiny-gpt2", "blocks.0.hook_resid_post", false)]
    [InlineData("tiny-gpt2", "blocks.1.attn.hook_z", true)]
    [InlineData("tiny-llama", "blocks.0.mlp.hook_post", false)]
    [InlineData("tiny-gemma2", "blocks.1.hook_resid_pre", true)]
    public void Gradients_at_hook_points_match_float64_finite_differences(string modelName, string hook, bool withAblation)
    {
        using TransformerModel model = fixture.Load(modelName, ScalarType.Float64);
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        if (withAblation) input.Blocks[0].MlpOut.Zero();
        TraceValue metric = LogitDifference(input);
        metric.Save("metric");
        trace.Save("gradient", trace.Gradient(metric, input.Hook(hook)));
        using TraceResult result = trace.Run();
        Tensor gradient = result["gradient"];
        Assert.Equal(ScalarType.Float64, gradient.dtype);

        // Perturb single coordinates of the hook value through the trace API itself and difference the metric.
        var random = new Random(3);
        long[] shape = gradient.shape;
        const double epsilon = 1e-5;
        for (int sample = 0; sample < 6; sample++)
        {
            long[] at = shape.Select(s => (long)random.Next((int)s)).ToArray();
            double Metric(double delta)
            {
                var perturbed = new Trace(model);
                TraceInput p = perturbed.Input(TracingFixture.Clean);
                if (withAblation) p.Blocks[0].MlpOut.Zero();
                p.Hook(hook).At([.. at.Select(i => (TraceIndex)(int)i)]).Add(perturbed.Constant([1f]).Reshape(), scale: delta);
                LogitDifference(p).Save("metric");
                using TraceResult r = perturbed.Run();
                return r["metric"].item<double>();
            }
            double numeric = (Metric(epsilon) - Metric(-epsilon)) / (2 * epsilon);
            double analytic = gradient[[.. at.Select(i => (TensorIndex)i)]].item<double>();
            double scale = Math.Max(Math.Abs(numeric), 1e-3);
            Assert.True(Math.Abs(numeric - analytic) / scale < 1e-6, $"{hook}[{string.Join(",", at)}]: finite difference {numeric}, gradient {analytic}");
        }
    }

    [Fact]
    public void Gradients_of_several_metrics_and_hooks_come_from_one_trace()
    {
        using TransformerModel model = fixture.Load("tiny-pythia");
        var trace = new Trace(model);
        TraceInput input = trace.Input(TracingFixture.Clean);
        TraceValue logits = input.Logits.Value;
        trace.Save("g0", trace.Gradient(logits[0, ^1, 3], input.Blocks[0].ResidPost));
        trace.Save("g1", trace.Gradient(logits[0, ^1, 3], input.Blocks[1].ResidPre));
        trace.Save("h0", trace.Gradient(logits[0, 0, 3], input.Blocks[0].ResidPost));
        using TraceResult result = trace.Run();
        // resid_post of block 0 is resid_pre of block 1: the same value, the same gradient.
        Assert.True(result["g0"].allclose(result["g1"], rtol: 1e-5, atol: 1e-7));
        // Causality: the first position's logit has no gradient at later positions.
        Assert.Equal(0f, result["h0"][0, 1..].abs().sum().item<float>());
        Assert.True(result["h0"][0, 0].abs().sum().item<float>() > 0);
    }
}
