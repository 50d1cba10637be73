using System.Text.Encodings.Web;
using System.Text.Json;

namespace SharpSight.Models.Tokenizers;

/// <summary>
/// A parsed JSON file (tokenizer.json, tokenizer_config.json, vocab.json, a vocabulary file) whose failures become
/// one-line <see cref="TokenizerException"/>s of the form <c>file: field = value: reason</c>, the field written as a JSON
/// path such as <c>model.merges[12]</c>. Every reader of the tokenizers goes through this class, so all their errors
/// look alike.
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

    /// <summary>Reads and parses the file. Trailing commas and comments are accepted, as some hand-edited configs have them.</summary>
    public static JsonFile Open(string path)
    {
        byte[] bytes = ReadFile(path, File.ReadAllBytes);
        try
        {
            var options = new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
            return new JsonFile(path, JsonDocument.Parse(bytes, options));
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new TokenizerException($"{path}: not valid JSON (invalid JSON{where}: {OneLine(e.Message)})", e);
        }
    }

    /// <summary>Reads any tokenizer file (merges.txt, tiktoken ranks, tokenizer.model); a failure names the file.</summary>
    public static T ReadFile<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TokenizerException($"{path}: cannot read the file ({OneLine(e.Message)})", e);
        }
    }

    public void Dispose() => _document.Dispose();

    /// <summary>The root, which must be an object.</summary>
    public JsonElement RootObject() =>
        Root.ValueKind == JsonValueKind.Object ? Root : throw Error("(document)", Root, "expected a JSON object at the root");

    public TokenizerException Error(string field, JsonElement? value, string reason) =>
        new($"{Path}: {field} = {Show(value)}: {reason}");

    public TokenizerException ErrorShown(string field, string shownValue, string reason) =>
        new($"{Path}: {field} = {shownValue}: {reason}");

    /// <summary>A value as it appears in a message: JSON text on one line, at most 120 characters; "(missing)" for none.</summary>
    public static string Show(JsonElement? value)
    {
        if (value is not JsonElement v) return "(missing)";
        string raw = v.ValueKind == JsonValueKind.String ? JsonSerializer.Serialize(v.GetString(), Readable) : v.GetRawText();
        return Shorten(OneLine(raw));
    }

    /// <summary>A string as it appears in a message: quoted and escaped as JSON, at most 120 characters.</summary>
    public static string Quote(string s) => Shorten(JsonSerializer.Serialize(s, Readable));

    private static string Shorten(string s) => s.Length <= 120 ? s : string.Concat(s.AsSpan(0, 117), "...");

    public static string OneLine(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int i) => $"{path}[{i}]";

    // ---- typed access: parent is the object at JSON path `path`, name the field inside it ----

    private bool TryGet(JsonElement parent, string path, string name, out JsonElement value)
    {
        if (parent.ValueKind != JsonValueKind.Object) throw Error(path.Length == 0 ? "(document)" : path, parent, "expected an object");
        return parent.TryGetProperty(name, out value);
    }

    /// <summary>A field that must be present and not null, of any kind.</summary>
    public JsonElement Require(JsonElement parent, string path, string name)
    {
        if (!TryGet(parent, path, name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
            throw Error(Child(path, name), null, "required field is missing");
        return v;
    }

    public JsonElement RequireObject(JsonElement parent, string path, string name) => Require(parent, path, name, JsonValueKind.Object, "an object");

    public JsonElement? OptionalObject(JsonElement parent, string path, string name) => Optional(parent, path, name, JsonValueKind.Object, "an object");

    public JsonElement RequireArray(JsonElement parent, string path, string name) => Require(parent, path, name, JsonValueKind.Array, "an array");

    public JsonElement? OptionalArray(JsonElement parent, string path, string name) => Optional(parent, path, name, JsonValueKind.Array, "an array");

    public string RequireString(JsonElement parent, string path, string name) => Require(parent, path, name, JsonValueKind.String, "a string").GetString()!;

    public string? OptionalString(JsonElement parent, string path, string name) => Optional(parent, path, name, JsonValueKind.String, "a string")?.GetString();

    private JsonElement Require(JsonElement parent, string path, string name, JsonValueKind kind, string what)
    {
        JsonElement v = Require(parent, path, name);
        return v.ValueKind == kind ? v : throw Error(Child(path, name), v, $"expected {what}");
    }

    /// <summary>A field of the given kind, or null when it is missing or null.</summary>
    private JsonElement? Optional(JsonElement parent, string path, string name, JsonValueKind kind, string what)
    {
        if (!TryGet(parent, path, name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == kind ? v : throw Error(Child(path, name), v, $"expected {what} or null");
    }

    /// <summary>true / false, or null when the field is missing or null.</summary>
    public bool? OptionalBool(JsonElement parent, string path, string name)
    {
        if (!TryGet(parent, path, name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(Child(path, name), v, "expected true or false"),
        };
    }

    public bool OptionalBool(JsonElement parent, string path, string name, bool fallback) => OptionalBool(parent, path, name) ?? fallback;

    public int RequireInt(JsonElement parent, string path, string name)
    {
        JsonElement v = Require(parent, path, name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n)) throw Error(Child(path, name), v, "expected an integer");
        return n;
    }

    public int RequireId(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int id) || id < 0)
            throw Error(field, value, "expected a non-negative integer id");
        return id;
    }

    public int RequireId(JsonElement parent, string path, string name)
    {
        if (!TryGet(parent, path, name, out JsonElement v)) throw Error(Child(path, name), null, "required field is missing");
        return RequireId(v, Child(path, name));
    }
}
