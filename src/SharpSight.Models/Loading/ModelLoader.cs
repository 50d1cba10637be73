using SharpSight.Core.Runtime;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Architecture;
using SharpSight.Models.Families;
using SharpSight.Models.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Models.Loading;

/// <summary>
/// Loads a Hugging Face checkpoint folder (config.json plus model.safetensors or a sharded
/// model.safetensors.index.json) into a <see cref="TransformerModel"/>. Keys are matched strictly:
/// any missing or unexpected tensor is an error that lists them.
/// </summary>
public static class ModelLoader
{
    /// <summary>Reads only the config: the family and architecture of a folder.</summary>
    public static (IModelFamily Family, TransformerConfig Config) ReadConfig(string folder)
    {
        if (!Directory.Exists(folder)) throw new ModelLoadException($"{folder}: model folder not found");
        return ModelFamilies.ReadConfig(HfConfigJson.Load(Path.Combine(folder, "config.json")));
    }

    /// <summary>Loads the model in a folder.</summary>
    /// <exception cref="ModelLoadException">Bad config or keys/shapes that do not match it.</exception>
    /// <exception cref="TensorFileException">A malformed or missing safetensors file.</exception>
    public static TransformerModel Load(string folder, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        TorchRuntime.EnsureInitialized();
        (IModelFamily family, TransformerConfig config) = ReadConfig(folder);
        CheckpointLayout layout = family.Layout(config);

        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(folder);
        Func<string, string> resolve = KeyResolver(layout, checkpoint);
        CheckKeys(folder, family, layout, checkpoint, resolve);
        ScalarType dtype = options.DType ?? (options.KeepCheckpointDType ? StoredDType(checkpoint, layout, resolve) : ScalarType.Float32);

        var model = new TransformerModel(config, dtype, CPU);
        try
        {
            CopyWeights(model, layout, checkpoint, resolve);
            if (options.Device is { } device && device.type != DeviceType.CPU) model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // Checkpoints of the bare base model (e.g. the Hub's gpt2) have keys without the base prefix.
    private static Func<string, string> KeyResolver(CheckpointLayout layout, SafetensorsCheckpoint checkpoint)
    {
        bool prefixed = checkpoint.Names.Any(name => name.StartsWith(layout.BasePrefix, StringComparison.Ordinal));
        return prefixed ? key => key
            : key => key.StartsWith(layout.BasePrefix, StringComparison.Ordinal) ? key[layout.BasePrefix.Length..] : key;
    }

    private static void CheckKeys(string folder, IModelFamily family, CheckpointLayout layout, SafetensorsCheckpoint checkpoint, Func<string, string> resolve)
    {
        var expected = layout.Weights.SelectMany(w => w.Sources).Select(s => resolve(s.Key)).ToHashSet(StringComparer.Ordinal);
        var optional = layout.Optional.Select(resolve).ToHashSet(StringComparer.Ordinal);
        string[] missing = expected.Where(key => !checkpoint.Contains(key)).Order(StringComparer.Ordinal).ToArray();
        string[] unexpected = checkpoint.Names
            .Where(name => !expected.Contains(name) && !optional.Contains(name) && !layout.Ignored.Any(pattern => pattern.IsMatch(name)))
            .Order(StringComparer.Ordinal).ToArray();
        if (missing.Length == 0 && unexpected.Length == 0) return;

        var problems = new List<string>();
        if (missing.Length > 0) problems.Add($"missing {Listed(missing)}");
        if (unexpected.Length > 0) problems.Add($"unexpected {Listed(unexpected)}");
        throw new ModelLoadException($"{checkpoint.SourcePath}: keys do not match the {family.Name} config in {Path.Combine(folder, "config.json")}: {string.Join("; ", problems)}");
    }

    private static string Listed(string[] keys)
    {
        const int shown = 8;
        string head = string.Join(", ", keys.Take(shown));
        return $"{keys.Length} key{(keys.Length == 1 ? "" : "s")} ({head}{(keys.Length > shown ? $", … {keys.Length - shown} more" : "")})";
    }

    private static ScalarType StoredDType(SafetensorsCheckpoint checkpoint, CheckpointLayout layout, Func<string, string> resolve)
    {
        string first = resolve(layout.Weights[0].Sources[0].Key);
        return checkpoint.Entry(first).DType.ToScalarType();
    }

    private static void CopyWeights(TransformerModel model, CheckpointLayout layout, SafetensorsCheckpoint checkpoint, Func<string, string> resolve)
    {
        Dictionary<string, TorchSharp.Modules.Parameter> parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (WeightMapping mapping in layout.Weights)
        {
            if (!parameters.TryGetValue(mapping.Target, out TorchSharp.Modules.Parameter? parameter) || !assigned.Add(mapping.Target))
                throw new InvalidOperationException($"layout maps unknown or repeated parameter '{mapping.Target}'");
            using var scope = NewDisposeScope();
            Tensor[] sources = mapping.Sources.Select(source => ReadChecked(checkpoint, resolve(source.Key), source.Shape)).ToArray();
            Tensor value = mapping.Combine(sources);
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new InvalidOperationException($"layout built {Shape(value.shape)} for '{mapping.Target}', parameter is {Shape(parameter.shape)}");
            parameter.copy_(value);
        }
        string[] unassigned = parameters.Keys.Where(name => !assigned.Contains(name)).ToArray();
        if (unassigned.Length > 0) throw new InvalidOperationException($"layout leaves parameters unset: {string.Join(", ", unassigned)}");
    }

    private static Tensor ReadChecked(SafetensorsCheckpoint checkpoint, string key, long[] shape)
    {
        TensorEntry entry = checkpoint.Entry(key);
        if (!entry.Shape.SequenceEqual(shape))
            throw new ModelLoadException($"{checkpoint.FileOf(key)}: tensor '{key}' has shape {Shape(entry.Shape)}, config.json implies {Shape(shape)}");
        if (entry.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64))
            throw new ModelLoadException($"{checkpoint.FileOf(key)}: tensor '{key}' has dtype {entry.DType}, expected a floating-point type");
        return checkpoint.Read(key);
    }

    private static string Shape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
