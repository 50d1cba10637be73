using System.Diagnostics;
using System.Globalization;
using SharpSight.Core.Runtime;
using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>
/// Game-model training throughput: optimiser steps of an Othello preset (forward, loss, backward, clipping, AdamW)
/// against the matmul-bound time of the same step (the forward products and their two backward products each, measured
/// alone in the same run). Reports tokens/s and the fraction of the matmul-bound rate (1.0 = all time in matmuls).
/// </summary>
internal static class TrainingBenchmark
{
    public static int Run(string[] args)
    {
        int steps = Arguments.Int(args, "--steps", 20), repeats = Arguments.Int(args, "--repeats", 5);
        string[] presets = args.Contains("--preset") ? [args[Array.IndexOf(args, "--preset") + 1]] : ["small", "lab"];
        TorchRuntime.EnsureInitialized();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"threads {get_num_threads()}, {steps} timed steps per preset, fp32; machine matmul peak {MatmulBound.PeakGflops(repeats):F1} GFLOP/s"));
        foreach (string name in presets)
        {
            OthelloPreset preset = OthelloPresets.Named(name);
            var data = new OthelloTrainingData([.. OthelloRandomGames.Generate(4 * preset.Options.BatchSize * steps, 1)]);
            using var model = new TransformerModel(preset.Config);
            RandomWeights.Initialize(model, 0);
            GameModelTrainer.Train(model, data, preset.Options with { Steps = 3 });          // warm-up
            var watch = Stopwatch.StartNew();
            GameModelTrainer.Train(model, data, preset.Options with { Steps = steps });
            double perStep = watch.Elapsed.TotalSeconds / steps;

            int batch = preset.Options.BatchSize, seq = OthelloTrainingData.Width;
            Product[] products = MatmulBound.TrainingStep(preset.Config, batch, seq);
            double bound = MatmulBound.Seconds(products, (long)batch * preset.Config.Heads, repeats);
            double tokens = (double)batch * seq;
            Console.WriteLine(string.Create(inv,
                $"{name,-6} ({preset.Layers} x {preset.DModel}, batch {batch} x {seq}): {perStep * 1000:F1} ms/step, {tokens / perStep:N0} tokens/s, " +
                $"{products.Sum(p => p.Flops) / perStep / 1e9:F1} GFLOP/s; matmul-bound {bound * 1000:F1} ms/step; fraction of matmul-bound rate {bound / perStep:F3}"));
        }
        return 0;
    }
}
