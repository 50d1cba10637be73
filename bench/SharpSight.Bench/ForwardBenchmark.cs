using System.Globalization;
using SharpSight.Core.Runtime;
using SharpSight.Models.Architecture;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>
/// Forward throughput of a GPT-2-small-shaped model (12 layers, d_model 768, vocab 50257, random weights)
/// at batch x seq tokens in fp32 on the CPU, against the matmul-bound time: the time the same matrix
/// products (projections, attention products, unembedding) take on their own, measured in the same run.
/// Reports tokens/s, the matmul-bound fraction (1.0 = all time spent in matmuls) and peak memory.
/// </summary>
internal static class ForwardBenchmark
{
    public static int Run(string[] args)
    {
        int batch = Arguments.Int(args, "--batch", 8), seq = Arguments.Int(args, "--seq", 128), repeats = Arguments.Int(args, "--repeats", 5);
        TorchRuntime.EnsureInitialized();
        var config = ModelShapes.Gpt2Small();
        Console.WriteLine($"threads {get_num_threads()}, batch {batch} x {seq} tokens, fp32, GPT-2-small shape (12 x 768, vocab 50257)");

        using var model = new TransformerModel(config);
        RandomWeights.Initialize(model, seed: 0);
        using Tensor ids = randint(0, config.VocabSize, [batch, seq], dtype: ScalarType.Int64, generator: new Generator(1));

        double forward = MatmulBound.Median(repeats, () =>
        {
            using var noGrad = no_grad();
            using Tensor logits = model.Forward(ids);
        });
        Product[] products = MatmulBound.Forward(config, batch, seq);
        double matmulBound = MatmulBound.Seconds(products, (long)batch * config.Heads, repeats);
        double peakGflops = MatmulBound.PeakGflops(repeats);
        double flops = products.Sum(p => p.Flops);

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"forward             {forward * 1000:F1} ms  ({batch * seq / forward:F0} tokens/s, {flops / forward / 1e9:F1} GFLOP/s)"));
        Console.WriteLine(string.Create(inv, $"matmul-bound time   {matmulBound * 1000:F1} ms  (same products alone, {flops / matmulBound / 1e9:F1} GFLOP/s)"));
        Console.WriteLine(string.Create(inv, $"machine matmul peak {peakGflops:F1} GFLOP/s (2048 x 2048 fp32)"));
        Console.WriteLine(string.Create(inv, $"fraction of matmul-bound rate: {matmulBound / forward:F3}"));
        Console.WriteLine(string.Create(inv, $"fraction of machine matmul peak: {flops / forward / 1e9 / peakGflops:F3}"));
        Console.WriteLine(string.Create(inv, $"peak memory (VmHWM): {PeakResidentMiB():F0} MiB; parameters {model.ParameterCount * 4 / 1048576.0:F0} MiB"));
        return 0;
    }

    private static double PeakResidentMiB()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
