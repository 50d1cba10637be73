using System.Globalization;
using SharpSight.Core.Runtime;
using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Training;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>
/// Sparse-dictionary training throughput: optimiser steps (loss, backward, decoder constraint, clipping, Adam) of a ReLU
/// (standard L1) and a TopK dictionary on one batch, against the matmul-bound time of the ReLU step measured in the same
/// run: its five dense products (encoder forward, decoder forward, the decoder's two backward products and the encoder's
/// weight gradient; the input needs no gradient). TopK decodes from its k kept features per input, so it is reported as
/// tokens/s and as a speed-up over ReLU at the same width.
/// </summary>
internal static class SaeBenchmark
{
    public static int Run(string[] args)
    {
        TorchRuntime.EnsureInitialized();
        int inputSize = Arguments.Int(args, "--d-in", 512), width = Arguments.Int(args, "--width", 8192);
        int batch = Arguments.Int(args, "--batch", 4096), k = Arguments.Int(args, "--k", 32), steps = Arguments.Int(args, "--steps", 7);
        Console.WriteLine($"sparse dictionary training: d_in {inputSize}, width {width}, batch {batch}, TopK k {k}, {get_num_threads()} threads");

        double peak = MatmulBound.PeakGflops(5);
        Product[] products =
        [
            new(batch, inputSize, width, 1, false),   // encoder forward
            new(batch, width, inputSize, 1, false),   // decoder forward
            new(batch, inputSize, width, 1, false),   // decoder: gradient of the features
            new(width, batch, inputSize, 1, false),   // decoder: gradient of W_dec
            new(inputSize, batch, width, 1, false),   // encoder: gradient of W_enc
        ];
        double bound = MatmulBound.Seconds(products, 1, 5);
        double flops = products.Sum(p => p.Flops);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"matmul peak {peak:F1} GFLOP/s; ReLU step matmul-bound {bound * 1000:F1} ms ({flops / 1e9:F1} GFLOP)"));

        using Tensor x = Activations(batch, inputSize);
        double relu = Step(TrainingMethod.Standard, inputSize, width, k, x, steps);
        double topk = Step(TrainingMethod.TopK, inputSize, width, k, x, steps);
        double batchTopK = Step(TrainingMethod.BatchTopK, inputSize, width, k, x, steps);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ReLU      {relu * 1000,8:F1} ms/step  {batch / relu,9:N0} tokens/s  {flops / relu / 1e9,6:F1} GFLOP/s  fraction of matmul-bound {bound / relu:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TopK      {topk * 1000,8:F1} ms/step  {batch / topk,9:N0} tokens/s  speed-up over ReLU {relu / topk:F2}x"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BatchTopK {batchTopK * 1000,8:F1} ms/step  {batch / batchTopK,9:N0} tokens/s  speed-up over ReLU {relu / batchTopK:F2}x"));
        return 0;
    }

    // Inputs with some structure (a few strong directions plus noise), scaled to unit mean squared norm as trainers see them.
    private static Tensor Activations(int batch, int inputSize)
    {
        using var generator = new Generator(1);
        using Tensor directions = randn([64, inputSize], generator: generator);
        using Tensor codes = nn.functional.relu(randn([batch, 64], generator: generator) - 1);
        using Tensor raw = matmul(codes, directions) + 0.1 * randn([batch, inputSize], generator: generator);
        return raw / raw.pow(2).sum(-1).mean().sqrt();
    }

    private static double Step(TrainingMethod method, int inputSize, int width, int k, Tensor x, int steps)
    {
        var options = new DictionaryTrainingOptions { Method = method, Steps = 1000, Seed = 2 };
        var config = new DictionaryConfig { Architecture = options.Architecture, InputSize = inputSize, Width = width, K = k };
        using DictionaryTrainer trainer = DictionaryTrainers.Create(config, options);
        trainer.TrainStep(x);   // the first step also initialises b_dec (geometric median for TopK)
        return MatmulBound.Median(steps, () => trainer.TrainStep(x));
    }
}
