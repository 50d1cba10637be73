using System.Text.Encodings.Web;
using System.Text.Json;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// A parsed JSON file whose failures become one-line <see cref="TokenizerException"/>s naming the file, the field (as a
/// JSON path such as <c>model.merges[12]</c>) and the offending value.
/// </summary>
internal sealed class JsonFile : IDisposable
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly JsonDocument _document;

    private JsonFile(string path, JsonDocument document)
    {
        Path = path;
        _document = document;
    }

    public string Path { get; }

    public JsonElement Root => _document.RootElement;

    public static JsonFile Open(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TokenizerException($"{path}: cannot read the file ({OneLine(e.Message)})", e);
        }
        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
            return new JsonFile(path, document);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new TokenizerException($"{path}: (document) = not valid JSON{where}: {OneLine(e.Message)}", e);
        }
    }

    public void Dispose() => _document.Dispose();

    public TokenizerException Error(string field, JsonElement? value, string reason) =>
        new($"{Path}: {field} = {Show(value)}: {reason}");

    public TokenizerException ErrorShown(string field, string shownValue, string reason) =>
        new($"{Path}: {field} = {shownValue}: {reason}");

    public static string Show(JsonElement? value)
    {
        if (value is not JsonElement v) return "(missing)";
        string raw = v.ValueKind == JsonValueKind.String ? JsonSerializer.Serialize(v.GetString(), Readable) : v.GetRawText();
        return Shorten(OneLine(raw));
    }

    public static string Quote(string s) => Shorten(JsonSerializer.Serialize(s, Readable));

    private static string Shorten(string s) => s.Length <= 120 ? s : string.Concat(s.AsSpan(0, 117), "...");

    public static string OneLine(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int i) => $"{path}[{i}]";

    // ---- typed access ----

    public JsonElement RequireObject(JsonElement parent, string path, string name)
    {
        string field = Child(path, name);
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement v))
            throw Error(field, null, "required field is missing");
        if (v.ValueKind != JsonValueKind.Object) throw Error(field, v, "expected an object");
        return v;
    }

    public JsonElement? OptionalObject(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object) throw Error(Child(path, name), v, "expected an object or null");
        return v;
    }

    public JsonElement RequireArray(JsonElement parent, string path, string name)
    {
        string field = Child(path, name);
        if (!parent.TryGetProperty(name, out JsonElement v)) throw Error(field, null, "required field is missing");
        if (v.ValueKind != JsonValueKind.Array) throw Error(field, v, "expected an array");
        return v;
    }

    public JsonElement? OptionalArray(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(Child(path, name), v, "expected an array or null");
        return v;
    }

    public string RequireString(JsonElement parent, string path, string name)
    {
        string field = Child(path, name);
        if (!parent.TryGetProperty(name, out JsonElement v)) throw Error(field, null, "required field is missing");
        if (v.ValueKind != JsonValueKind.String) throw Error(field, v, "expected a string");
        return v.GetString()!;
    }

    public string? OptionalString(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw Error(Child(path, name), v, "expected a string or null");
        return v.GetString()!;
    }

    public bool OptionalBool(JsonElement parent, string path, string name, bool fallback)
    {
        if (!parent.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(Child(path, name), v, "expected true or false"),
        };
    }

    public int RequireId(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int id) || id < 0)
            throw Error(field, value, "expected a non-negative integer id");
        return id;
    }

    public int RequireId(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out JsonElement v)) throw Error(Child(path, name), null, "required field is missing");
        return RequireId(v, Child(path, name));
    }
}
