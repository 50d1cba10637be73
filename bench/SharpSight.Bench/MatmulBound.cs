using System.Diagnostics;
using SharpSight.Models.Architecture;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>A matrix product of a transformer pass: rows x inner times inner x columns, repeated Count times.</summary>
internal readonly record struct Product(long M, long K, long N, long Count, bool PerHead)
{
    public double Flops => 2.0 * M * K * N * Count;
}

/// <summary>
/// The matmul-bound time of a transformer pass: the time its matrix products (projections, attention products,
/// unembedding) take on their own on this machine, measured in the same run as the pass they bound.
/// </summary>
internal static class MatmulBound
{
    /// <summary>Every matrix product of one forward pass.</summary>
    public static Product[] Forward(TransformerConfig c, int batch, int seq)
    {
        long tokens = (long)batch * seq, layers = c.Layers;
        long heads = (long)batch * c.Heads;
        return
        [
            new(tokens, c.DModel, (c.Heads + 2L * c.KeyValueHeads) * c.HeadDim, layers, false),   // qkv
            new(tokens, (long)c.Heads * c.HeadDim, c.DModel, layers, false),                      // attention out
            new(tokens, c.DModel, c.DMlp * (c.GatedMlp ? 2L : 1L), layers, false),                // mlp in (gate and up)
            new(tokens, c.DMlp, c.DModel, layers, false),                                         // mlp out
            new(seq, c.HeadDim, seq, heads * layers, true),                                       // q k^T per head
            new(seq, seq, c.HeadDim, heads * layers, true),                                       // pattern v per head
            new(tokens, c.DModel, c.VocabSize, 1, false),                                         // unembed
        ];
    }

    /// <summary>
    /// The products of a training step: the forward ones, and for each its two backward products (the gradient of the
    /// input, M x N times N x K, and of the weight, K x M times M x N).
    /// </summary>
    public static Product[] TrainingStep(TransformerConfig c, int batch, int seq) =>
        [.. Forward(c, batch, seq).SelectMany(p => new[] { p, p with { K = p.N, N = p.K }, p with { M = p.K, K = p.M } })];

    /// <summary>Seconds the products take alone (median of <paramref name="repeats"/>); per-head ones run batched over heads as in the model.</summary>
    public static double Seconds(IEnumerable<Product> products, long headsPerBatch, int repeats)
    {
        double total = 0;
        foreach (Product p in products)
        {
            if (p.PerHead)
            {
                using Tensor a = randn(headsPerBatch, p.M, p.K), b = randn(headsPerBatch, p.K, p.N);
                total += Median(repeats, () => { using Tensor r = bmm(a, b); }) * (p.Count / headsPerBatch);
            }
            else
            {
                using Tensor a = randn(p.M, p.K), b = randn(p.N, p.K);
                total += Median(repeats, () => { using Tensor r = nn.functional.linear(a, b); }) * p.Count;
            }
        }
        return total;
    }

    /// <summary>This machine's fp32 matmul rate on a large square product, in GFLOP/s.</summary>
    public static double PeakGflops(int repeats)
    {
        using Tensor a = randn(2048, 2048), b = randn(2048, 2048);
        double seconds = Median(repeats, () => { using Tensor r = matmul(a, b); });
        return 2.0 * 2048 * 2048 * 2048 / seconds / 1e9;
    }

    /// <summary>Median wall time of an action after one warm-up call.</summary>
    public static double Median(int repeats, Action action)
    {
        action(); // warm-up
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times[i] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
