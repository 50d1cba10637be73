using System.Globalization;
using System.Text.Json.Nodes;

namespace SharpSight.Models.Tests.Reference;

/// Typed reading of a Hugging Face config.json with the Python-side defaults made explicit.
/// "Missing" (key absent) and "null" are distinguished where HF distinguishes them.
internal sealed class RefConfig
{
    private readonly JsonObject _o;

    public RefConfig(JsonObject o) => _o = o;

    public JsonObject Json => _o;

    public bool Contains(string key) => _o.ContainsKey(key);

    public bool HasValue(string key) => _o.TryGetPropertyValue(key, out var n) && n is not null;

    public JsonNode? Node(string key) => _o.TryGetPropertyValue(key, out var n) ? n : null;

    public static double ToDouble(JsonNode node, string what)
    {
        if (node is not JsonValue) throw new FormatException($"config field '{what}' is not a number: {node.ToJsonString()}");
        string s = node.ToJsonString();
        if (s.Length >= 2 && s[0] == '"') s = s[1..^1]; // tolerate quoted numbers
        return double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static int ToInt(JsonNode node, string what)
    {
        double d = ToDouble(node, what);
        if (d != Math.Floor(d) || d > int.MaxValue || d < int.MinValue)
            throw new FormatException($"config field '{what}' is not an integer: {d}");
        return (int)d;
    }

    public int Int(string key) =>
        HasValue(key) ? ToInt(_o[key]!, key) : throw new KeyNotFoundException($"config.json lacks required field '{key}'");

    /// First of several alias keys that has a value.
    public int Int(params string[] keys)
    {
        foreach (var k in keys) if (HasValue(k)) return ToInt(_o[k]!, k);
        throw new KeyNotFoundException($"config.json lacks required field '{string.Join("' / '", keys)}'");
    }

    public int IntOr(string key, int dflt) => HasValue(key) ? ToInt(_o[key]!, key) : dflt;

    /// Absent -> <paramref name="dfltWhenAbsent"/>; explicit null -> null.
    public int? NullableInt(string key, int? dfltWhenAbsent) =>
        !Contains(key) ? dfltWhenAbsent : HasValue(key) ? ToInt(_o[key]!, key) : null;

    public double DoubleOr(string key, double dflt) => HasValue(key) ? ToDouble(_o[key]!, key) : dflt;

    /// Absent -> <paramref name="dfltWhenAbsent"/>; explicit null -> null.
    public double? NullableDouble(string key, double? dfltWhenAbsent) =>
        !Contains(key) ? dfltWhenAbsent : HasValue(key) ? ToDouble(_o[key]!, key) : null;

    public bool BoolOr(string key, bool dflt)
    {
        if (!HasValue(key)) return dflt;
        string s = _o[key]!.ToJsonString();
        return s switch
        {
            "true" => true,
            "false" => false,
            _ => throw new FormatException($"config field '{key}' is not a boolean: {s}"),
        };
    }

    public string StringOr(string key, string dflt) => HasValue(key) ? _o[key]!.GetValue<string>() : dflt;

    public JsonObject? Object(string key) => HasValue(key) ? _o[key] as JsonObject : null;

    public string[]? StringArray(string key)
    {
        if (!HasValue(key)) return null;
        if (_o[key] is not JsonArray a) throw new FormatException($"config field '{key}' is not an array");
        return a.Select(n => n?.GetValue<string>() ?? throw new FormatException($"null inside '{key}'")).ToArray();
    }

    // ------------------------------------------------------------------ family

    /// Normalised family tag: gpt2, gpt_neox, llama, mistral, qwen2, gemma2.
    public string ModelType
    {
        get
        {
            string? mt = HasValue("model_type") ? _o["model_type"]!.GetValue<string>() : null;
            if (mt is null && StringArray("architectures") is { Length: > 0 } arch)
            {
                mt = arch[0] switch
                {
                    "GPT2LMHeadModel" or "GPT2Model" => "gpt2",
                    "GPTNeoXForCausalLM" or "GPTNeoXModel" => "gpt_neox",
                    "LlamaForCausalLM" or "LlamaModel" => "llama",
                    "MistralForCausalLM" or "MistralModel" => "mistral",
                    "Qwen2ForCausalLM" or "Qwen2Model" => "qwen2",
                    "Gemma2ForCausalLM" or "Gemma2Model" => "gemma2",
                    _ => null,
                };
            }
            return mt switch
            {
                "gpt2" or "gpt_neox" or "llama" or "mistral" or "qwen2" or "gemma2" => mt,
                null => throw new NotSupportedException("config.json has no model_type and no known architectures entry"),
                _ => throw new NotSupportedException($"model_type '{mt}' is not implemented by the reference"),
            };
        }
    }
}

/// Resolved rotary embedding for one model (all layers share it in the four supported families).
public sealed record RopeSpec(
    string RopeType,
    double Theta,
    int HeadDim,
    int RotaryDims,
    double[] InvFreq,
    double AttentionScaling)
{
    /// Resolve rope parameters from a config.json the way transformers does (v4 `rope_theta` + `rope_scaling`,
    /// v5 `rope_parameters`; GPT-NeoX `rotary_emb_base` / `rotary_pct`).
    public static RopeSpec FromConfig(JsonObject config, int headDim, int sequenceLength)
        => Resolve(new RefConfig(config), headDim, sequenceLength);

    internal static RopeSpec Resolve(RefConfig c, int headDim, int sequenceLength)
    {
        string family = c.ModelType;

        // transformers v5 RotaryEmbeddingConfigMixin.convert_rope_params_to_dict:
        //   rope_parameters = rope_scaling or rope_parameters or {}   (a legacy non-empty rope_scaling wins)
        JsonObject? scaling = c.Object("rope_scaling");
        JsonObject? parameters = c.Object("rope_parameters");
        JsonObject rp = scaling is { Count: > 0 } ? scaling : parameters ?? new JsonObject();
        var r = new RefConfig(rp);
        if (rp.ContainsKey("full_attention") || rp.ContainsKey("sliding_attention"))
            throw new NotSupportedException("per-layer-type rope_parameters are not used by the supported families");

        string ropeType = r.HasValue("rope_type") ? rp["rope_type"]!.GetValue<string>()
            : r.HasValue("type") ? rp["type"]!.GetValue<string>() : "default";

        // Theta: the dict's rope_theta first (setdefault semantics), then the family's top-level field, then 10000.
        // GPT-NeoX reads `rotary_emb_base` (a top-level `rope_theta` is NOT read by GPTNeoXConfig in v4.4x nor v5).
        double theta;
        if (r.HasValue("rope_theta")) theta = r.DoubleOr("rope_theta", 0);
        else if (family == "gpt_neox") theta = c.DoubleOr("rotary_emb_base", 10000.0);
        else theta = c.DoubleOr("rope_theta", 10000.0);

        // Partial rotary: only GPT-NeoX uses it (rotary_pct, default 0.25; v5 stores it as
        // rope_parameters.partial_rotary_factor). The Llama-style apply_rotary_pos_emb rotates the full head.
        double partial = 1.0;
        if (family == "gpt_neox")
        {
            double? top = c.HasValue("rotary_pct") ? c.DoubleOr("rotary_pct", 0) : null;
            double? inDict = r.HasValue("partial_rotary_factor") ? r.DoubleOr("partial_rotary_factor", 0) : null;
            if (top is not null && inDict is not null && top != inDict)
                throw new NotSupportedException($"conflicting rotary_pct {top} and rope_parameters.partial_rotary_factor {inDict}");
            partial = top ?? inDict ?? 0.25;
        }
        else
        {
            double p = r.HasValue("partial_rotary_factor") ? r.DoubleOr("partial_rotary_factor", 1)
                : c.DoubleOr("partial_rotary_factor", 1.0);
            if (p != 1.0) throw new NotSupportedException($"partial_rotary_factor {p} is not supported for {family}");
        }

        int rotaryDims = (int)(headDim * partial); // Python int() truncation
        var inv = RefMath.DefaultInvFreq(rotaryDims, theta);
        double attentionScaling = 1.0;
        int maxPositions = c.IntOr("max_position_embeddings", DefaultMaxPositions(family));

        switch (ropeType)
        {
            case "default":
                break;
            case "linear":
                {
                    double factor = r.DoubleOr("factor", double.NaN);
                    for (int i = 0; i < inv.Length; i++) inv[i] /= factor;
                    break;
                }
            case "dynamic":
                // Dynamic NTK only changes inv_freq once the sequence grows beyond max_position_embeddings.
                if (sequenceLength > maxPositions)
                    throw new NotSupportedException("dynamic rope beyond max_position_embeddings is not implemented");
                break;
            case "llama3":
                {
                    double factor = r.DoubleOr("factor", double.NaN);
                    double low = r.DoubleOr("low_freq_factor", double.NaN);
                    double high = r.DoubleOr("high_freq_factor", double.NaN);
                    // v4 reads rope_scaling["original_max_position_embeddings"]; v5 standardize_rope_params prefers a
                    // top-level original_max_position_embeddings, else the dict's, else max_position_embeddings.
                    double? inDict = r.HasValue("original_max_position_embeddings") ? r.DoubleOr("original_max_position_embeddings", 0) : null;
                    double? top = c.HasValue("original_max_position_embeddings") ? c.DoubleOr("original_max_position_embeddings", 0) : null;
                    if (inDict is not null && top is not null && inDict != top)
                        throw new NotSupportedException("conflicting original_max_position_embeddings (top-level vs rope dict)");
                    double old = top ?? inDict ?? maxPositions;
                    if (double.IsNaN(factor) || double.IsNaN(low) || double.IsNaN(high))
                        throw new FormatException("llama3 rope scaling needs factor, low_freq_factor, high_freq_factor");
                    inv = RefMath.Llama3InvFreq(inv, factor, low, high, old);
                    break;
                }
            default:
                throw new NotSupportedException($"rope_type '{ropeType}' is not implemented by the reference");
        }

        return new RopeSpec(ropeType, theta, headDim, rotaryDims, inv, attentionScaling);
    }

    /// The config classes' max_position_embeddings defaults (only matter for llama3 / dynamic fall-backs).
    private static int DefaultMaxPositions(string family) => family switch
    {
        "gpt_neox" => 2048,
        "llama" => 2048,
        "mistral" => 4096 * 32,
        "qwen2" => 32768,
        "gemma2" => 8192,
        _ => 2048,
    };
}
