using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpSight.Models.Loading;

/// <summary>
/// Typed reads from a Hugging Face config.json, with errors that name the file, the field and the value.
/// </summary>
public sealed class HfConfigJson
{
    private readonly JsonObject _json;

    /// <summary>Wraps parsed JSON; <paramref name="source"/> names the file in error messages.</summary>
    public HfConfigJson(JsonObject json, string source)
    {
        // Re-parse so every value is backed by a JsonElement, whether it came from a file or was built in code.
        _json = JsonNode.Parse(json.ToJsonString())!.AsObject();
        Source = source;
    }

    /// <summary>The file (or description) the JSON came from.</summary>
    public string Source { get; }

    /// <summary>The raw JSON object.</summary>
    public JsonObject Json => _json;

    /// <summary>Parses a config.json file.</summary>
    public static HfConfigJson Load(string path)
    {
        if (!File.Exists(path)) throw new ModelLoadException($"{path}: file not found");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException error)
        {
            throw new ModelLoadException($"{path}: not valid JSON ({error.Message.Split('\n')[0]})", error);
        }
        return node is JsonObject obj ? new HfConfigJson(obj, path) : throw new ModelLoadException($"{path}: expected a JSON object at the top level");
    }

    /// <summary>True if the field is present and not null.</summary>
    public bool Has(string field) => _json[field] is not null;

    /// <summary>The first of the given fields that is present and not null, or null.</summary>
    public string? FirstPresent(params string[] fields) => fields.FirstOrDefault(Has);

    /// <summary>A required integer field.</summary>
    public int Int(string field) => OptionalInt(field) ?? throw Missing(field);

    /// <summary>An optional integer field (null when absent or JSON null).</summary>
    public int? OptionalInt(string field)
    {
        JsonNode? node = _json[field];
        if (node is null) return null;
        if (Element(node) is { ValueKind: JsonValueKind.Number } element && element.TryGetInt32(out int result)) return result;
        throw Invalid(field, node, "an integer");
    }

    /// <summary>A required number field.</summary>
    public double Double(string field) => OptionalDouble(field) ?? throw Missing(field);

    /// <summary>An optional number field.</summary>
    public double? OptionalDouble(string field)
    {
        JsonNode? node = _json[field];
        if (node is null) return null;
        if (Element(node) is { ValueKind: JsonValueKind.Number } element) return element.GetDouble();
        throw Invalid(field, node, "a number");
    }

    /// <summary>An optional boolean field.</summary>
    public bool? OptionalBool(string field)
    {
        JsonNode? node = _json[field];
        if (node is null) return null;
        if (Element(node) is { ValueKind: JsonValueKind.True or JsonValueKind.False } element) return element.GetBoolean();
        throw Invalid(field, node, "true or false");
    }

    /// <summary>An optional string field.</summary>
    public string? OptionalString(string field)
    {
        JsonNode? node = _json[field];
        if (node is null) return null;
        if (Element(node) is { ValueKind: JsonValueKind.String } element) return element.GetString();
        throw Invalid(field, node, "a string");
    }

    /// <summary>An optional nested object (e.g. rope_scaling), wrapped for typed reads.</summary>
    public HfConfigJson? OptionalObject(string field)
    {
        JsonNode? node = _json[field];
        if (node is null) return null;
        return node is JsonObject obj ? new HfConfigJson(obj, $"{Source} ({field})") : throw Invalid(field, node, "an object");
    }

    /// <summary>An optional array of strings (e.g. layer_types).</summary>
    public IReadOnlyList<string>? OptionalStringArray(string field)
    {
        JsonNode? node = _json[field];
        if (node is null) return null;
        if (node is not JsonArray array) throw Invalid(field, node, "an array of strings");
        var items = new List<string>(array.Count);
        foreach (JsonNode? item in array)
        {
            if (item is not null && Element(item) is { ValueKind: JsonValueKind.String } element) items.Add(element.GetString()!);
            else throw Invalid(field, node, "an array of strings");
        }
        return items;
    }

    /// <summary>An error for a field whose value is out of range or not supported.</summary>
    public ModelLoadException Unsupported(string field, object? value, string expected) =>
        new($"{Source}: field '{field}' = {Describe(value)} is not supported; expected {expected}");

    private static JsonElement? Element(JsonNode node) =>
        node is JsonValue value && value.TryGetValue(out JsonElement element) ? element : null;

    private ModelLoadException Missing(string field) => new($"{Source}: required field '{field}' is missing");

    private ModelLoadException Invalid(string field, JsonNode node, string expected) =>
        new($"{Source}: field '{field}' must be {expected}, got {node.ToJsonString()}");

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };
}
