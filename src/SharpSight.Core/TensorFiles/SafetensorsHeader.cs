using System.Text.Json;
using System.Text.Unicode;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// The parsed and fully validated JSON header of a safetensors file. Validation follows the reference
/// Rust implementation: every entry well-formed, sizes consistent with shapes, and the data section
/// covered exactly by the tensors, without gaps or overlaps.
/// </summary>
internal sealed class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(IReadOnlyList<TensorEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>Entries in header order.</summary>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <summary>The "__metadata__" map; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses and validates <paramref name="json"/> against a data section of <paramref name="dataSize"/> bytes.</summary>
    /// <exception cref="TensorFileException">The header is malformed; the message names the field and value.</exception>
    public static SafetensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataSize)
    {
        if (!Utf8.IsValid(json.Span)) throw new TensorFileException(path, "header is not valid UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new TensorFileException(path, $"header is not valid JSON: {error.Message}", error);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TensorFileException(path, $"header is a JSON {Kind(root)}, expected an object mapping tensor names to entries");

            var entries = new List<TensorEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            IReadOnlyDictionary<string, string>? metadata = null;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = JsonText.Name(property, path, "header");
                if (!names.Add(name))
                    throw new TensorFileException(path, $"header has key {Quote.Name(name)} twice");
                if (name == MetadataKey) metadata = ParseMetadata(path, property.Value);
                else entries.Add(ParseEntry(path, name, property.Value, dataSize));
            }

            CheckCoverage(path, entries, dataSize);
            return new SafetensorsHeader(entries, metadata ?? new Dictionary<string, string>());
        }
    }

    private static IReadOnlyDictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Null) return metadata; // Option<HashMap> in the reference reader.
        if (value.ValueKind != JsonValueKind.Object)
            throw new TensorFileException(path, $"'{MetadataKey}' is a JSON {Kind(value)}, expected an object of strings");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            string key = JsonText.Name(item, path, $"'{MetadataKey}'");
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new TensorFileException(path,
                    $"'{MetadataKey}' value for {Quote.Name(key)} is a JSON {Kind(item.Value)}, expected a string");
            string text = JsonText.String(item.Value, path, $"'{MetadataKey}' value for {Quote.Name(key)}");
            if (!metadata.TryAdd(key, text))
                throw new TensorFileException(path, $"'{MetadataKey}' has key {Quote.Name(key)} twice");
        }
        return metadata;
    }

    private static TensorEntry ParseEntry(string path, string name, JsonElement value, long dataSize)
    {
        string tensor = $"tensor {Quote.Name(name)}";
        if (value.ValueKind != JsonValueKind.Object)
            throw new TensorFileException(path, $"{tensor} is a JSON {Kind(value)}, expected an object with dtype, shape and data_offsets");

        JsonElement? dtypeField = null, shapeField = null, offsetsField = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            // Unknown fields are ignored, as serde does for the reference reader.
            string fieldName = JsonText.Name(field, path, tensor);
            ref JsonElement? slot = ref dtypeField;
            if (fieldName == "dtype") slot = ref dtypeField;
            else if (fieldName == "shape") slot = ref shapeField;
            else if (fieldName == "data_offsets") slot = ref offsetsField;
            else continue;
            if (slot is not null) throw new TensorFileException(path, $"{tensor} has field '{fieldName}' twice");
            slot = field.Value;
        }

        SafetensorsDType dtype = ParseDType(path, tensor, Require(path, tensor, dtypeField, "dtype"));
        long[] shape = ParseShape(path, tensor, Require(path, tensor, shapeField, "shape"));
        (long begin, long end) = ParseOffsets(path, tensor, Require(path, tensor, offsetsField, "data_offsets"));

        long needed = ByteCount(path, tensor, shape, dtype);
        if (end - begin != needed)
            throw new TensorFileException(path,
                $"{tensor} data_offsets [{begin}, {end}] span {end - begin} bytes, but shape {Quote.Shape(shape)} with dtype {dtype} needs {needed} bytes");
        if (end > dataSize)
            throw new TensorFileException(path,
                $"{tensor} data_offsets end {end} is past the end of the data section ({dataSize} bytes)");
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private static JsonElement Require(string path, string tensor, JsonElement? field, string fieldName) =>
        field ?? throw new TensorFileException(path, $"{tensor} has no '{fieldName}' field");

    private static SafetensorsDType ParseDType(string path, string tensor, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw new TensorFileException(path, $"{tensor} field 'dtype' is a JSON {Kind(value)}, expected a string");
        string text = JsonText.String(value, path, $"{tensor} field 'dtype'");
        if (!SafetensorsDTypes.TryParse(text, out SafetensorsDType dtype))
            throw new TensorFileException(path, $"{tensor} has dtype {Quote.Name(text)}, expected one of {SafetensorsDTypes.AllNames}");
        return dtype;
    }

    private static long[] ParseShape(string path, string tensor, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new TensorFileException(path, $"{tensor} field 'shape' is a JSON {Kind(value)}, expected an array of non-negative integers");
        var shape = new long[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in value.EnumerateArray())
        {
            if (!TryGetNonNegative(dim, out shape[i]))
                throw new TensorFileException(path, $"{tensor} shape[{i}] is {Raw(dim)}, expected a non-negative integer");
            i++;
        }
        return shape;
    }

    private static (long Begin, long End) ParseOffsets(string path, string tensor, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2
            || !TryGetNonNegative(value[0], out long begin) || !TryGetNonNegative(value[1], out long end))
            throw new TensorFileException(path, $"{tensor} data_offsets is {Raw(value)}, expected [begin, end] with two non-negative integers");
        if (begin > end)
            throw new TensorFileException(path, $"{tensor} data_offsets [{begin}, {end}] has begin after end");
        return (begin, end);
    }

    // Element count times element size, refusing any product that overflows (as the reference reader does,
    // even when a later dimension is zero).
    private static long ByteCount(string path, string tensor, long[] shape, SafetensorsDType dtype)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim != 0 && count > long.MaxValue / dim)
                throw new TensorFileException(path, $"{tensor} shape {Quote.Shape(shape)} has too many elements (the count overflows 64 bits)");
            count *= dim;
        }
        int size = dtype.ElementSize();
        if (count > long.MaxValue / size)
            throw new TensorFileException(path, $"{tensor} shape {Quote.Shape(shape)} with dtype {dtype} has too many bytes (the size overflows 64 bits)");
        return count * size;
    }

    // Sorted by offsets, each tensor must start where the previous one ended, from 0 to the end of the data.
    private static void CheckCoverage(string path, List<TensorEntry> entries, long dataSize)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long covered = 0;
        TensorEntry? last = null;
        foreach (TensorEntry entry in sorted)
        {
            if (entry.Begin < covered)
                throw new TensorFileException(path,
                    $"tensor {Quote.Name(entry.Name)} bytes {entry.Begin}..{entry.End} overlap tensor {Quote.Name(last!.Name)} bytes {last.Begin}..{last.End}");
            if (entry.Begin > covered)
                throw new TensorFileException(path, $"data bytes {covered}..{entry.Begin} are not covered by any tensor");
            covered = entry.End;
            last = entry;
        }
        if (covered != dataSize)
            throw new TensorFileException(path, $"data bytes {covered}..{dataSize} are not covered by any tensor");
    }

    private static bool TryGetNonNegative(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out result) && result >= 0;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Raw(JsonElement value)
    {
        string text = value.GetRawText();
        return text.Length <= 60 ? text : text[..60] + "...";
    }
}
