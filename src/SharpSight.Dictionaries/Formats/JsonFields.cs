using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpSight.Dictionaries.Formats;

/// <summary>
/// Typed, optional reads of one JSON object's fields for cfg.json and sweep files: a missing field is null, a field of the
/// wrong type is a one-line error naming the place, the field and its value. The caller chooses the exception type
/// (format errors for files we load, argument errors for files the user writes).
/// </summary>
internal sealed class JsonFields(string where, JsonObject json, Func<string, Exception> error)
{
    /// <summary>A string field.</summary>
    public string? String(string name) => Read(name, "a string", n => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null);

    /// <summary>A string or a number, as text ("5M" or 5000000).</summary>
    public string? Text(string name) => Read(name, "a string or a number", n => n.GetValueKind() switch
    {
        JsonValueKind.String => n.GetValue<string>(),
        JsonValueKind.Number => n.ToJsonString(),
        _ => null,
    });

    /// <summary>true or false.</summary>
    public bool? Bool(string name) => Read(name, "true or false", n => n.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => (bool?)null,
    });

    /// <summary>A number.</summary>
    public double? Double(string name) => Read(name, "a number", n => n.GetValueKind() == JsonValueKind.Number ? n.GetValue<double>() : (double?)null);

    /// <summary>A whole number.</summary>
    public long? Long(string name) => Read(name, "an integer", n =>
        n.GetValueKind() == JsonValueKind.Number && n.GetValue<double>() is var v && v == Math.Floor(v) && Math.Abs(v) <= 1L << 53 ? (long)v : (long?)null);

    /// <summary>A whole number in int's range.</summary>
    public int? Int(string name) => Read(name, "an integer", n =>
        n.GetValueKind() == JsonValueKind.Number && n.GetValue<double>() is var v && v == Math.Floor(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v : (int?)null);

    private T? Read<T>(string name, string expected, Func<JsonNode, T?> read)
    {
        if (json[name] is not { } node) return default;
        return read(node) ?? throw error($"{where}: field '{name}' is {Shown(node)}, expected {expected}");
    }

    private static string Shown(JsonNode node) => node.GetValueKind() == JsonValueKind.Number
        ? node.GetValue<double>().ToString(CultureInfo.InvariantCulture)
        : node.ToJsonString();
}
