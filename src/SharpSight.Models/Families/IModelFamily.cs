using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;

namespace SharpSight.Models.Families;

/// <summary>
/// A Hugging Face model family: reads its config.json into a <see cref="TransformerConfig"/> and
/// says how its checkpoint keys map onto <see cref="Modules.TransformerModel"/>'s parameters.
/// </summary>
public interface IModelFamily
{
    /// <summary>Display name, e.g. "GPT-NeoX".</summary>
    string Name { get; }

    /// <summary>The config.json model_type values this family reads.</summary>
    IReadOnlyList<string> ModelTypes { get; }

    /// <summary>Translates a config.json; throws <see cref="ModelLoadException"/> naming field and value on bad input.</summary>
    TransformerConfig ReadConfig(HfConfigJson json);

    /// <summary>The checkpoint layout for a config this family produced.</summary>
    CheckpointLayout Layout(TransformerConfig config);
}
