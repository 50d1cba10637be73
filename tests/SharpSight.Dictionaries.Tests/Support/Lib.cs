using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Training;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Support;

/// <summary>The bridge between the reference (double arrays) and the library (float32 tensors).</summary>
internal static class Lib
{
    /// <summary>Options that switch off schedules so a loss is exactly its formula: no warmups, explicit λ and learning rate.</summary>
    public static DictionaryTrainingOptions Options(TrainingMethod method, double lambda = 0.3) => new()
    {
        Method = method,
        Steps = 100,
        WarmupSteps = 0,
        SparsityWarmupSteps = 0,
        SparsityCoefficient = lambda,
        LearningRate = 1e-3,
        GeometricMedianInit = false,
        Seed = 7,
    };

    /// <summary>A trainer from the factory, its dictionary then loaded with <paramref name="p"/>.</summary>
    public static DictionaryTrainer Trainer(DictionaryTrainingOptions options, RefParams p, int k = 0, IReadOnlyList<int>? groups = null, bool applyDecoderBias = true)
    {
        var config = new DictionaryConfig
        {
            Architecture = options.Architecture, InputSize = p.DIn, Width = p.DSae, K = k, MatryoshkaGroups = groups,
            ApplyDecoderBiasToInput = applyDecoderBias,
        };
        DictionaryTrainer trainer = DictionaryTrainers.Create(config, options);
        Load(trainer.Dictionary, p);
        return trainer;
    }

    /// <summary>A dictionary of an architecture loaded with <paramref name="p"/>.</summary>
    public static SparseDictionary Create(DictionaryArchitecture architecture, RefParams p, int k = 0)
    {
        SparseDictionary dictionary = Dictionary.Create(new DictionaryConfig { Architecture = architecture, InputSize = p.DIn, Width = p.DSae, K = k });
        Load(dictionary, p);
        return dictionary;
    }

    public static void Load(SparseDictionary dictionary, RefParams p)
    {
        using var noGrad = no_grad();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in dictionary.Parameters)
        {
            if (!p.Has(name)) continue; // e.g. a BatchTopK threshold the case leaves unset
            using Tensor value = ToTensor(p[name], p.Shape(name));
            parameter.copy_(value);
        }
    }

    public static RefParams Read(SparseDictionary dictionary)
    {
        var names = dictionary.Parameters.Select(pair => pair.Name).ToList();
        var p = new RefParams(dictionary.InputSize, dictionary.Width, names);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in dictionary.Parameters) Values(parameter).CopyTo(p[name], 0);
        return p;
    }

    public static Tensor ToTensor(double[] values, int[] shape) =>
        tensor(values.Select(v => (float)v).ToArray(), shape.Select(d => (long)d).ToArray(), ScalarType.Float32);

    public static Tensor Batch(double[][] x) => ToTensor([.. x.SelectMany(row => row)], [x.Length, x[0].Length]);

    public static double[] Values(Tensor t)
    {
        using Tensor copy = t.detach().cpu().to(ScalarType.Float64).contiguous();
        return copy.data<double>().ToArray();
    }

    public static double[][] Rows(Tensor t)
    {
        double[] flat = Values(t);
        int width = (int)t.shape[^1];
        return [.. Enumerable.Range(0, flat.Length / width).Select(r => flat.Skip(r * width).Take(width).ToArray())];
    }

    public static double Scalar(Tensor t) => Values(t)[0];

    /// <summary>The gradients now held by the dictionary's trainable parameters (zeros where none).</summary>
    public static Dictionary<string, double[]> Gradients(SparseDictionary dictionary) => dictionary.Parameters
        .Where(pair => pair.Parameter.requires_grad)
        .ToDictionary(pair => pair.Name, pair => pair.Parameter.grad is { } g ? Values(g) : new double[pair.Parameter.numel()]);

    /// <summary>Sets the dead-feature counters (tokens since each feature fired) through the checkpoint interface.</summary>
    public static void SetTokensSinceFired(DictionaryTrainer trainer, long[] counters)
    {
        using var scope = NewDisposeScope();
        var state = trainer.StateTensors().ToDictionary(pair => pair.Key, pair => pair.Value.detach().clone());
        state["tokens_since_fired"] = tensor(counters, ScalarType.Int64);
        trainer.Restore(name => state[name].clone(), trainer.StateScalars());
    }

    /// <summary>Sets every Adam first moment to <paramref name="m"/> and second moment to m² through the checkpoint interface.</summary>
    public static void SetAdamMoments(DictionaryTrainer trainer, double m)
    {
        using var scope = NewDisposeScope();
        var state = trainer.StateTensors().ToDictionary(pair => pair.Key, pair => pair.Key.StartsWith("adam.m.", StringComparison.Ordinal)
            ? full_like(pair.Value, m)
            : pair.Key.StartsWith("adam.v.", StringComparison.Ordinal) ? full_like(pair.Value, m * m) : pair.Value.detach().clone());
        trainer.Restore(name => state[name].clone(), trainer.StateScalars());
    }

    /// <summary>A snapshot of every state tensor of a trainer (parameters, Adam moments, counters) as doubles.</summary>
    public static Dictionary<string, double[]> Snapshot(DictionaryTrainer trainer) =>
        trainer.StateTensors().ToDictionary(pair => pair.Key, pair => Values(pair.Value));
}
