using SharpSight.Dictionaries.Architectures;

namespace SharpSight.Dictionaries;

/// <summary>Creates dictionaries from their config.</summary>
public static class Dictionary
{
    /// <summary>A dictionary of the config's architecture, with zero parameters.</summary>
    public static SparseDictionary Create(DictionaryConfig config) => config.Architecture switch
    {
        DictionaryArchitecture.Relu => new ReluDictionary(config),
        DictionaryArchitecture.TopK => new TopKDictionary(config),
        DictionaryArchitecture.BatchTopK => new BatchTopKDictionary(config),
        DictionaryArchitecture.JumpRelu => new JumpReluDictionary(config),
        DictionaryArchitecture.Gated => new GatedDictionary(config),
        _ => throw new ArgumentException($"unknown dictionary architecture {config.Architecture}"),
    };
}
