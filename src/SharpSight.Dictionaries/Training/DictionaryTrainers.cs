using SharpSight.Dictionaries.Architectures;
using SharpSight.Dictionaries.Training.Methods;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training;

/// <summary>Creates a freshly initialised dictionary and its trainer for a training method.</summary>
public static class DictionaryTrainers
{
    /// <summary>
    /// A dictionary of <paramref name="config"/>'s shape (its architecture must be the one the method trains), initialised
    /// from the options' seed, wrapped in the method's trainer. Decoder rows start at norm 0.1 for the ReLU methods (as
    /// dictionary_learning's AutoEncoder) and at unit norm for the others.
    /// </summary>
    public static DictionaryTrainer Create(DictionaryConfig config, DictionaryTrainingOptions options)
    {
        if (config.Architecture != options.Architecture)
            throw new ArgumentException($"{options.Method} trains {options.Architecture} dictionaries, but the config says {config.Architecture}");
        if (options.Method == TrainingMethod.Matryoshka && config.MatryoshkaGroups is null)
            throw new ArgumentException("Matryoshka training needs group sizes (matryoshka_groups)");
        SparseDictionary dictionary = Dictionary.Create(config);
        using (var generator = new Generator(options.Seed))
            dictionary.Initialize(generator, options.Architecture == DictionaryArchitecture.Relu ? 0.1 : 1.0);
        return options.Method switch
        {
            TrainingMethod.Standard or TrainingMethod.April => new StandardTrainer((ReluDictionary)dictionary, options),
            TrainingMethod.PAnneal => new PAnnealTrainer((ReluDictionary)dictionary, options),
            TrainingMethod.TopK or TrainingMethod.BatchTopK or TrainingMethod.Matryoshka => new TopKTrainer(dictionary, options),
            TrainingMethod.JumpRelu => new JumpReluTrainer((JumpReluDictionary)dictionary, options),
            TrainingMethod.Gated => new GatedTrainer((GatedDictionary)dictionary, options),
            _ => throw new ArgumentException($"unknown training method {options.Method}"),
        };
    }
}
