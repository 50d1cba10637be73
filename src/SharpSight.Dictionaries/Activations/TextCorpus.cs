using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// The documents of a text corpus, streamed from a file: plain text (one document per line, or the whole file), JSON Lines
/// (a string field of each object) or Parquet (a string column). Each <see cref="Documents"/> call reads from the start.
/// </summary>
/// <remarks>
/// Blank lines of plain text and JSON Lines are skipped, and so are empty documents. Anything else the reader cannot use is
/// an error with a one-line <see cref="TokenSourceException"/> naming the file, the line or row, and the field: a missing
/// file, a line that is not JSON or not an object, a missing field or column, a value that is not a string (null included).
/// Parquet files are read one row group at a time, so memory follows the largest row group.
/// </remarks>
public sealed class TextCorpus
{
    private readonly Func<IEnumerable<string>> _documents;

    private TextCorpus(string description, Func<IEnumerable<string>> documents)
    {
        Description = description;
        _documents = documents;
    }

    /// <summary>What the corpus is: kind, file fingerprint (name, size, hash) and field.</summary>
    public string Description { get; }

    /// <summary>The documents, in file order, read lazily.</summary>
    /// <exception cref="TokenSourceException">Thrown during enumeration for malformed input.</exception>
    public IEnumerable<string> Documents() => _documents();

    /// <summary>A UTF-8 text file: one document per non-blank line, or the whole file as one document.</summary>
    /// <param name="path">The file.</param>
    /// <param name="documentPerLine">True: each non-blank line is a document (without its line break); false: the whole file.</param>
    /// <exception cref="TokenSourceException">The file does not exist.</exception>
    public static TextCorpus PlainText(string path, bool documentPerLine = true)
    {
        SourceFiles.Require(path);
        return new($"plain-text {(documentPerLine ? "lines" : "whole-file")} {SourceFiles.Fingerprint(path)}",
            () => documentPerLine ? ReadLines(path) : ReadWhole(path));
    }

    /// <summary>A JSON Lines file: one JSON object per non-blank line, its string field <paramref name="field"/> the document.</summary>
    /// <param name="path">The file.</param>
    /// <param name="field">The field holding the text.</param>
    /// <exception cref="TokenSourceException">The file does not exist.</exception>
    public static TextCorpus Jsonl(string path, string field = "text")
    {
        SourceFiles.Require(path);
        ArgumentException.ThrowIfNullOrEmpty(field);
        return new($"jsonl {SourceFiles.Fingerprint(path)} field '{field}'", () => ReadJsonl(path, field));
    }

    /// <summary>A Parquet file: its string column <paramref name="column"/>, one document per row.</summary>
    /// <param name="path">The file.</param>
    /// <param name="column">The top-level column holding the text.</param>
    /// <exception cref="TokenSourceException">The file does not exist.</exception>
    public static TextCorpus Parquet(string path, string column = "text")
    {
        SourceFiles.Require(path);
        ArgumentException.ThrowIfNullOrEmpty(column);
        return new($"parquet {SourceFiles.Fingerprint(path)} column '{column}'", () => ReadParquet(path, column));
    }

    /// <summary>Documents from any re-enumerable collection (each <see cref="Documents"/> call enumerates it again).</summary>
    /// <param name="documents">The documents.</param>
    /// <param name="description">Names them (recorded in activation caches).</param>
    public static TextCorpus FromDocuments(IEnumerable<string> documents, string description)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(description);
        return new($"documents {description}", () => documents.Where(d => d.Length > 0));
    }

    private static StreamReader OpenText(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), Encoding.UTF8);

    private static IEnumerable<string> ReadLines(string path)
    {
        using StreamReader reader = OpenText(path);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            if (!string.IsNullOrWhiteSpace(line)) yield return line;
    }

    private static IEnumerable<string> ReadWhole(string path)
    {
        string text;
        using (StreamReader reader = OpenText(path)) text = reader.ReadToEnd();
        if (text.Length > 0) yield return text;
    }

    private static IEnumerable<string> ReadJsonl(string path, string field)
    {
        using StreamReader reader = OpenText(path);
        int number = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string text = JsonlField(line, path, number, field);
            if (text.Length > 0) yield return text;
        }
    }

    private static string JsonlField(string line, string path, int number, string field)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new TokenSourceException($"{path} line {number}: not valid JSON ({OneLine(e.Message)})", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TokenSourceException($"{path} line {number}: expected a JSON object with a '{field}' field, got {Kind(root.ValueKind)}");
            if (!root.TryGetProperty(field, out JsonElement value))
            {
                string[] names = [.. root.EnumerateObject().Select(p => p.Name).Take(10)];
                throw new TokenSourceException($"{path} line {number}: no field '{field}' (fields: {(names.Length == 0 ? "none" : string.Join(", ", names))})");
            }
            if (value.ValueKind != JsonValueKind.String)
                throw new TokenSourceException($"{path} line {number}: field '{field}' is {Kind(value.ValueKind)}, not a string");
            return value.GetString()!;
        }
    }

    private static IEnumerable<string> ReadParquet(string path, string column)
    {
        ParquetReader reader = OpenParquet(path);
        try
        {
            DataField field = ParquetColumn(reader, path, column);
            long row = 0;
            for (int group = 0; group < reader.RowGroupCount; group++)
            {
                string?[] values = ReadParquetGroup(reader, group, field, path, column, row);
                for (int i = 0; i < values.Length; i++)
                {
                    string text = values[i] ?? throw new TokenSourceException($"{path} row {row + i}: column '{column}' is null");
                    if (text.Length > 0) yield return text;
                }
                row += values.Length;
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static ParquetReader OpenParquet(string path)
    {
        try
        {
            return Task.Run(() => ParquetReader.CreateAsync(path, new ParquetOptions { TreatByteArrayAsString = true })).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TokenSourceException($"{path}: not a readable Parquet file ({OneLine(e.Message)})", e);
        }
    }

    private static DataField ParquetColumn(ParquetReader reader, string path, string column)
    {
        Field? found = reader.Schema.Fields.FirstOrDefault(f => f.Name == column);
        if (found is null)
            throw new TokenSourceException($"{path}: no column '{column}' (columns: {string.Join(", ", reader.Schema.Fields.Select(f => f.Name))})");
        if (found is not DataField data || data.IsArray)
            throw new TokenSourceException($"{path}: column '{column}' is a {found.SchemaType.ToString().ToLowerInvariant()} column; expected one string per row");
        if (data.ClrType != typeof(string) && data.ClrType != typeof(ReadOnlyMemory<char>))
            throw new TokenSourceException($"{path}: column '{column}' holds {data.ClrType.Name} values, not strings");
        return data;
    }

    private static string?[] ReadParquetGroup(ParquetReader reader, int group, DataField field, string path, string column, long firstRow)
    {
        try
        {
            return Task.Run(async () =>
            {
                using ParquetRowGroupReader rows = reader.OpenRowGroupReader(group);
                var values = new string?[checked((int)rows.RowCount)];
                await rows.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
                return values;
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TokenSourceException($"{path} row group {group} (rows from {firstRow}): column '{column}' could not be read ({OneLine(e.Message)})", e);
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
