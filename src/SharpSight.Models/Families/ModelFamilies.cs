using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;

namespace SharpSight.Models.Families;

/// <summary>The supported families, looked up by config.json model_type.</summary>
public static class ModelFamilies
{
    /// <summary>Every family SharpSight can load.</summary>
    public static IReadOnlyList<IModelFamily> All { get; } = [new Gpt2Family(), new GptNeoXFamily(), new LlamaFamily(), new Gemma2Family()];

    /// <summary>All supported model_type values.</summary>
    public static IEnumerable<string> SupportedModelTypes => All.SelectMany(f => f.ModelTypes);

    /// <summary>The family for a model_type; throws <see cref="ModelLoadException"/> listing the supported ones.</summary>
    public static IModelFamily ForModelType(string? modelType, string source) =>
        All.FirstOrDefault(f => modelType is not null && f.ModelTypes.Contains(modelType))
        ?? throw new ModelLoadException(
            $"{source}: model_type {(modelType is null ? "is missing" : $"'{modelType}' is not supported")}; supported: {string.Join(", ", SupportedModelTypes)}");

    /// <summary>Reads a config.json into the family and config it describes.</summary>
    public static (IModelFamily Family, TransformerConfig Config) ReadConfig(HfConfigJson json)
    {
        IModelFamily family = ForModelType(json.OptionalString("model_type"), json.Source);
        TransformerConfig config = family.ReadConfig(json);
        try
        {
            config.Validate();
        }
        catch (ArgumentException error)
        {
            throw new ModelLoadException($"{json.Source}: {error.Message}", error);
        }
        return (family, config);
    }
}
