using System.Diagnostics;
using System.Globalization;
using SharpSight.Core.Runtime;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;
using Trace = SharpSight.Tracing.Api.Trace;

namespace SharpSight.Bench;

/// <summary>
/// Cost of tracing against a plain forward pass, measured in the same run with the runs interleaved: an empty trace
/// (graph built, validated, inputs batched, nothing read) and a trace saving every block's residual stream. On the
/// GPT-2-small shape at batch x seq it reports the relative overhead; on a 2-layer toy model the fixed overhead in
/// microseconds.
/// </summary>
internal static class TraceBenchmark
{
    public static int Run(string[] args)
    {
        int batch = Arguments.Int(args, "--batch", 8), seq = Arguments.Int(args, "--seq", 128), repeats = Arguments.Int(args, "--repeats", 7);
        TorchRuntime.EnsureInitialized();
        Console.WriteLine($"threads {get_num_threads()}; interleaved runs, medians");
        Measure("GPT-2-small shape", ModelShapes.Gpt2Small(), batch, seq, repeats, microseconds: false);
        Measure("2-layer toy", Toy(), 1, 16, 400, microseconds: true);
        return 0;
    }

    private static void Measure(string label, TransformerConfig config, int batch, int seq, int repeats, bool microseconds)
    {
        using var model = new TransformerModel(config);
        RandomWeights.Initialize(model, seed: 0);
        var random = new Random(5);
        long[][] sequences = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, seq).Select(_ => (long)random.Next(config.VocabSize)).ToArray()).ToArray();
        using Tensor ids = tensor(sequences.SelectMany(s => s).ToArray()).view(batch, seq);

        void Plain()
        {
            using var noGrad = no_grad();
            using Tensor logits = model.Forward(ids);
        }
        void Empty()
        {
            var trace = new Trace(model);
            trace.Input(sequences);
            using TraceResult result = trace.Run();
        }
        void SaveResiduals()
        {
            var trace = new Trace(model);
            TraceInput input = trace.Input(sequences);
            for (int layer = 0; layer < input.Blocks.Count; layer++) input.Blocks[layer].ResidPost.Value.Save($"resid_{layer}");
            using TraceResult result = trace.Run();
        }

        Action[] variants = [Plain, Empty, SaveResiduals];
        foreach (Action warm in variants) warm();
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repeats; r++)
            for (int v = 0; v < variants.Length; v++)
            {
                var watch = Stopwatch.StartNew();
                variants[v]();
                times[v].Add(watch.Elapsed.TotalSeconds);
            }
        double[] median = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"{label}, batch {batch} x {seq}:");
        if (microseconds)
        {
            Console.WriteLine(string.Create(inv, $"  plain forward        {median[0] * 1e6:F0} us"));
            Console.WriteLine(string.Create(inv, $"  empty trace          {median[1] * 1e6:F0} us  (fixed overhead {(median[1] - median[0]) * 1e6:F0} us)"));
            Console.WriteLine(string.Create(inv, $"  save all residuals   {median[2] * 1e6:F0} us  (overhead {(median[2] - median[0]) * 1e6:F0} us)"));
        }
        else
        {
            Console.WriteLine(string.Create(inv, $"  plain forward        {median[0] * 1e3:F1} ms"));
            Console.WriteLine(string.Create(inv, $"  empty trace          {median[1] * 1e3:F1} ms  (overhead {(median[1] / median[0] - 1) * 100:F2}%)"));
            Console.WriteLine(string.Create(inv, $"  save all residuals   {median[2] * 1e3:F1} ms  (overhead {(median[2] / median[0] - 1) * 100:F2}%)"));
        }
    }

    private static TransformerConfig Toy() => new()
    {
        ModelType = "gpt2", VocabSize = 128, DModel = 32, Layers = 2, Heads = 4, KeyValueHeads = 4, HeadDim = 8, DMlp = 64,
        MaxPositions = 64, Norm = NormKind.LayerNorm, NormEps = 1e-5, Activation = ActivationKind.GeluTanh, GatedMlp = false,
        Positions = PositionKind.Learned, TiedEmbeddings = true, QkvBias = true, AttentionOutBias = true, MlpBias = true,
        AttentionScale = 1 / Math.Sqrt(8), SlidingWindows = new int?[2],
    };
}
