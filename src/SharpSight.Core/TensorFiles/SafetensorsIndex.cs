using System.Text.Json;
using System.Text.Unicode;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// The weight map of a Hugging Face <c>model.safetensors.index.json</c>: which shard file holds each tensor.
/// Only "weight_map" is read; "metadata" (total_size) is informational and ignored.
/// </summary>
internal sealed class SafetensorsIndex
{
    private const long MaxIndexLength = 100_000_000;

    private SafetensorsIndex(IReadOnlyList<KeyValuePair<string, string>> weightMap) => WeightMap = weightMap;

    /// <summary>Tensor name to shard file name, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> WeightMap { get; }

    /// <summary>Reads and validates the index file at <paramref name="path"/>.</summary>
    /// <exception cref="TensorFileException">The file cannot be read or is malformed.</exception>
    public static SafetensorsIndex Read(string path)
    {
        byte[] bytes = ReadBounded(path);
        if (!Utf8.IsValid(bytes)) throw new TensorFileException(path, "index is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new TensorFileException(path, $"index is not valid JSON: {error.Message}", error);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TensorFileException(path, $"index is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object with 'weight_map'");
            JsonElement? found = null;
            foreach (JsonProperty field in root.EnumerateObject())
            {
                if (JsonText.Name(field, path, "index") != "weight_map") continue;
                if (found is not null) throw new TensorFileException(path, "index has field 'weight_map' twice");
                found = field.Value;
            }
            JsonElement map = found ?? throw new TensorFileException(path, "index has no 'weight_map' field");
            if (map.ValueKind != JsonValueKind.Object)
                throw new TensorFileException(path, $"'weight_map' is a JSON {map.ValueKind.ToString().ToLowerInvariant()}, expected an object mapping tensor names to shard file names");

            var weightMap = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty item in map.EnumerateObject())
            {
                string name = JsonText.Name(item, path, "'weight_map'");
                if (!seen.Add(name))
                    throw new TensorFileException(path, $"'weight_map' has tensor {Quote.Name(name)} twice");
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw new TensorFileException(path,
                        $"'weight_map' value for {Quote.Name(name)} is a JSON {item.Value.ValueKind.ToString().ToLowerInvariant()}, expected a shard file name");
                string shard = JsonText.String(item.Value, path, $"'weight_map' value for {Quote.Name(name)}");
                if (!IsPlainFileName(shard))
                    throw new TensorFileException(path,
                        $"'weight_map' value for {Quote.Name(name)} is {Quote.Name(shard)}, expected a file name in the same folder");
                weightMap.Add(KeyValuePair.Create(name, shard));
            }
            return new SafetensorsIndex(weightMap);
        }
    }

    // A shard must sit next to the index: no folders, no "..", nothing absolute.
    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".."
        && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
        && name.IndexOfAny(['/', '\\']) < 0;

    private static byte[] ReadBounded(string path)
    {
        using var handle = FileAccessErrors.Open(path);
        long length = RandomAccess.GetLength(handle);
        if (length > MaxIndexLength)
            throw new TensorFileException(path, $"index is {length} bytes, more than the limit of {MaxIndexLength} bytes");
        var bytes = new byte[length];
        SafetensorsFile.ReadExactly(handle, path, bytes, 0, "the index");
        return bytes;
    }
}
