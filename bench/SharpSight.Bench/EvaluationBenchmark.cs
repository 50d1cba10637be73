using System.Globalization;
using SharpSight.Core.Runtime;
using SharpSight.Dictionaries;
using SharpSight.Evals.Dictionaries.Board;
using SharpSight.Evals.Dictionaries.Core;
using SharpSight.Games.Training;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Bench;

/// <summary>
/// Dictionary-evaluation cost, as ratios measured in the same run:
/// <list type="bullet">
/// <item><b>core</b>: <see cref="CoreEvaluation.Run"/> of N TopK dictionaries on the laboratory model's shape, in units of
/// one plain forward pass of the same tokens, beside the ideal count (one clean pass, one zero-ablated tail and one spliced
/// tail per dictionary, a tail being the blocks after the hook).</item>
/// <item><b>board</b>: <see cref="FeatureClassifiers.Evaluate(SparseFeatureRows, BoardProperties, SparseFeatureRows, BoardProperties, BoardEvalOptions?)"/>
/// (every (feature, threshold, property) F1 and the reconstruction classifiers from sparse rows, then reconstruction on the
/// test split) against a dense baseline that only counts the coverage statistics: per threshold, the firing matrix times
/// the property matrix as one fp32 matmul.</item>
/// </list>
/// </summary>
internal static class EvaluationBenchmark
{
    public static int Run(string[] args)
    {
        TorchRuntime.EnsureInitialized();
        int dictionaries = Arguments.Int(args, "--dictionaries", 7), width = Arguments.Int(args, "--width", 1024), k = Arguments.Int(args, "--k", 32);
        int positions = Arguments.Int(args, "--positions", 59_000), batches = Arguments.Int(args, "--batches", 4);
        Console.WriteLine($"dictionary evaluation: {get_num_threads()} threads, width {width}, TopK k {k}");
        Core(dictionaries, width, k, batches);
        Board(width, k, positions);
        return 0;
    }

    private static void Core(int count, int width, int k, int batches)
    {
        OthelloPreset preset = OthelloPresets.Lab;
        using var model = new TransformerModel(preset.Config);
        RandomWeights.Initialize(model, seed: 0);
        const string hook = "blocks.3.hook_resid_post";
        var dictionaries = Enumerable.Range(0, count).Select(i =>
        {
            SparseDictionary d = Dictionary.Create(new DictionaryConfig { Architecture = DictionaryArchitecture.TopK, InputSize = preset.DModel, Width = width, K = k });
            RandomDictionaryWeights(d, seed: 10 + i);
            return d;
        }).ToArray();
        using var generator = new Generator(3);
        Tensor[] ids = [.. Enumerable.Range(0, batches).Select(_ => randint(1, preset.Config.VocabSize, [64, preset.Config.MaxPositions], dtype: ScalarType.Int64, generator: generator))];

        double forward = MatmulBound.Median(3, () =>
        {
            using var noGrad = no_grad();
            foreach (Tensor batch in ids)
            {
                using Tensor logits = model.Forward(batch);
            }
        });
        double core = MatmulBound.Median(3, () => CoreEvaluation.Run(model, hook, dictionaries, ids));
        // One clean forward, then the blocks after the hook (and the unembedding) once zero-ablated and once per dictionary.
        double tail = (preset.Layers - 4 + 1.0) / (preset.Layers + 1);
        double ideal = 1 + tail * (1 + count);
        long tokens = (long)batches * 64 * preset.Config.MaxPositions;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"core      {count} dictionaries on {tokens:N0} tokens: {core:F2} s = {core / forward:F2} forward passes (ideal {ideal:F2}: 1 + {1 + count} tails of {tail:F2}); {tokens / core:N0} tokens/s"));
        foreach (SparseDictionary d in dictionaries) d.Dispose();
        foreach (Tensor t in ids) t.Dispose();
    }

    private static void Board(int width, int k, int positions)
    {
        (SparseFeatureRows train, BoardProperties trainProperties, Tensor trainDense) = BoardCase(width, k, positions, seed: 1);
        (SparseFeatureRows test, BoardProperties testProperties, Tensor testDense) = BoardCase(width, k, positions, seed: 2);
        var options = new BoardEvalOptions();
        double sparse = MatmulBound.Median(3, () => FeatureClassifiers.Evaluate(train, trainProperties, test, testProperties, options));

        using Tensor truth = trainProperties.Values.to(ScalarType.Float32);
        using Tensor max = trainDense.amax(0);
        double dense = MatmulBound.Median(3, () =>
        {
            using var scope = NewDisposeScope();
            foreach (double t in options.Thresholds)
            {
                Tensor fired = trainDense.gt(max.mul(t)).to(ScalarType.Float32);
                Tensor truePositives = fired.t().matmul(truth);
                Tensor firings = fired.sum(0);
            }
        });
        int properties = trainProperties.Count, thresholds = options.Thresholds.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"board     {positions:N0} + {positions:N0} positions, {properties} properties, {thresholds} thresholds: sparse (coverage, classifiers and reconstruction) {sparse:F2} s; " +
            $"dense coverage counts alone {dense:F2} s; speed-up {dense / sparse:F1}x"));
        trainProperties.Dispose();
        testProperties.Dispose();
        trainDense.Dispose();
        testDense.Dispose();
    }

    // Decoder rows of unit norm and an encoder that is its transpose, as dictionaries are initialised.
    private static void RandomDictionaryWeights(SparseDictionary dictionary, int seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        using Tensor decoder = randn(dictionary.DecoderWeight.shape, generator: generator);
        dictionary.DecoderWeight.copy_(decoder / decoder.norm(1, keepdim: true));
        dictionary.EncoderWeight.copy_(dictionary.DecoderWeight.t());
    }

    // Sparse features with k active per position; 256 Othello-sized properties, each tied to a few features so that
    // classifiers exist (as in a trained dictionary) and holding on about a third of the positions.
    private static (SparseFeatureRows Rows, BoardProperties Properties, Tensor Dense) BoardCase(int width, int k, int positions, int seed)
    {
        var random = new Random(seed);
        const int count = 256;
        var flags = new bool[(long)positions * count];
        var values = new float[(long)positions * width];
        for (int x = 0; x < positions; x++)
        {
            for (int g = 0; g < count; g++) flags[(long)x * count + g] = random.NextDouble() < 0.33;
            for (int i = 0; i < k; i++)
            {
                int feature = random.Next(width);
                int property = feature % count;
                bool linked = flags[(long)x * count + property];
                values[(long)x * width + feature] = (float)(random.NextDouble() * 2 + (linked ? 2 : 0));
            }
        }
        string[] names = [.. Enumerable.Range(0, count).Select(g => $"p{g}")];
        BoardProperties properties = BoardProperties.FromFlags(names, [.. names.Select(n => n[..1])], [.. Enumerable.Range(0, count).Select(g => g < 128)], flags, positions);
        Tensor dense = tensor(values, [positions, width]);
        return (SparseFeatureRows.FromDense(dense), properties, dense);
    }
}
