using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// Lenient typed reads of optional JSON values for the report: a missing value or one of another type is null, so the
/// report shows what exists ("—") instead of failing on one odd field.
/// </summary>
internal static class JsonRead
{
    /// <summary>A finite number, else null.</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.GetValue<double>() is var x && double.IsFinite(x) ? x : null;

    /// <summary>A whole number, else null.</summary>
    public static long? Integer(JsonNode? node) =>
        Number(node) is { } x && x == Math.Floor(x) && Math.Abs(x) <= 1L << 53 ? (long)x : null;

    /// <summary>A string, else null.</summary>
    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>An array of numbers (non-numbers read as null), or null when the node is not an array.</summary>
    public static double?[]? Numbers(JsonNode? node) => node is JsonArray array ? array.Select(Number).ToArray() : null;

    /// <summary>An array of numbers that are all present, or null.</summary>
    public static double[]? AllNumbers(JsonNode? node) =>
        Numbers(node) is { } values && values.All(v => v.HasValue) ? values.Select(v => v!.Value).ToArray() : null;

    /// <summary>The strings of an array (other items skipped); empty when the node is not an array.</summary>
    public static string[] Texts(JsonNode? node) =>
        node is JsonArray array ? array.Select(Text).OfType<string>().ToArray() : [];

    /// <summary>The objects of an array (other items skipped); empty when the node is not an array.</summary>
    public static JsonObject[] Objects(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>().ToArray() : [];
}
