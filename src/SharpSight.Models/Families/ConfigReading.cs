using SharpSight.Models.Architecture;
using SharpSight.Models.Loading;

namespace SharpSight.Models.Families;

/// <summary>Config fields several families read the same way.</summary>
internal static class ConfigReading
{
    /// <summary>Maps a Hugging Face activation name (hidden_act, activation_function, hidden_activation).</summary>
    public static ActivationKind Activation(HfConfigJson json, string field, string fallback)
    {
        string name = json.OptionalString(field) ?? fallback;
        return name switch
        {
            "gelu" => ActivationKind.Gelu,
            "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => ActivationKind.GeluTanh,
            "silu" or "swish" => ActivationKind.Silu,
            "relu" => ActivationKind.Relu,
            _ => throw json.Unsupported(field, name, "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, silu, swish or relu"),
        };
    }

    /// <summary>
    /// rope_theta and rope_scaling, from either the classic top-level fields or the newer rope_parameters object.
    /// </summary>
    public static (double Theta, RopeScaling? Scaling) Rope(HfConfigJson json, double defaultTheta, params string[] thetaFields)
    {
        HfConfigJson? parameters = json.OptionalObject("rope_parameters");
        string? thetaField = json.FirstPresent(thetaFields);
        double theta = parameters?.OptionalDouble("rope_theta") ?? (thetaField is null ? defaultTheta : json.Double(thetaField));
        HfConfigJson? scaling = json.OptionalObject("rope_scaling") ?? parameters;
        if (!(theta > 0)) throw json.Unsupported(thetaField ?? "rope_theta", theta, "a positive number");
        if (scaling is null) return (theta, null);

        string type = scaling.OptionalString("rope_type") ?? scaling.OptionalString("type") ?? "default";
        switch (type)
        {
            case "default":
                return (theta, null);
            case "linear":
                return (theta, new RopeScaling("linear", PositiveFactor(scaling)));
            case "llama3":
                return (theta, new RopeScaling(
                    "llama3",
                    PositiveFactor(scaling),
                    scaling.Double("low_freq_factor"),
                    scaling.Double("high_freq_factor"),
                    // HF falls back to the top-level field, then to max_position_embeddings.
                    scaling.OptionalInt("original_max_position_embeddings") ?? json.OptionalInt("original_max_position_embeddings")
                        ?? json.Int("max_position_embeddings")));
            default:
                throw scaling.Unsupported("rope_type", type, "default, linear or llama3");
        }
    }

    private static double PositiveFactor(HfConfigJson scaling)
    {
        double factor = scaling.Double("factor");
        return factor > 0 ? factor : throw scaling.Unsupported("factor", factor, "a positive number");
    }

    /// <summary>head_dim when the config states it, else hidden_size / num_attention_heads (which must divide).</summary>
    public static int HeadDim(HfConfigJson json, int dModel, int heads, string headsField)
    {
        if (json.OptionalInt("head_dim") is { } explicitDim) return explicitDim;
        if (heads <= 0 || dModel % heads != 0)
            throw json.Unsupported(headsField, heads, $"a positive divisor of the hidden size {dModel}");
        return dModel / heads;
    }

    /// <summary>Per-layer windows from a layer_types list ("sliding_attention" / "full_attention"), or null if absent.</summary>
    public static IReadOnlyList<int?>? WindowsFromLayerTypes(HfConfigJson json, int layers, int? window)
    {
        IReadOnlyList<string>? types = json.OptionalStringArray("layer_types");
        if (types is null) return null;
        if (types.Count != layers) throw json.Unsupported("layer_types", $"{types.Count} entries", $"one entry per layer ({layers})");
        return types.Select(type => type switch
        {
            "full_attention" => (int?)null,
            "sliding_attention" => window ?? throw json.Unsupported("sliding_window", null, "a window size for sliding_attention layers"),
            _ => throw json.Unsupported("layer_types", type, "full_attention or sliding_attention"),
        }).ToArray();
    }
}
