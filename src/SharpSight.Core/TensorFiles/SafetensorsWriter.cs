using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpSight.Core.IO;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Writes safetensors files: the header padded with spaces to a multiple of 8 bytes (as the official
/// writer does), then each tensor's bytes, contiguous and in the order given. Files are replaced atomically.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/>, replacing it atomically. Tensors on other
    /// devices or with non-contiguous layouts are copied to the CPU one at a time while writing.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">Names and tensors, written in this order.</param>
    /// <param name="metadata">Optional "__metadata__" entries.</param>
    /// <exception cref="ArgumentException">A name repeats or is "__metadata__", or a tensor's element type has no safetensors dtype.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        List<Planned> plan = Plan(tensors);
        byte[] header = Header(plan, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (Planned item in plan) TensorBytes.WriteTo(item.Tensor, stream);
        });
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> as a sharded Hugging Face checkpoint in <paramref name="folder"/>:
    /// <c>{baseName}-00001-of-0000K.safetensors</c>, ... and <c>{baseName}.safetensors.index.json</c> with
    /// <c>{"metadata": {"total_size": bytes}, "weight_map": {name: shard}}</c>. Tensors fill shards in order;
    /// a shard is closed when the next tensor would take it past <paramref name="maxShardBytes"/>, and a single
    /// tensor larger than that gets a shard of its own. Every shard carries the metadata <c>{"format": "pt"}</c>,
    /// which Hugging Face loaders check. The index is written last, so it never names a missing shard.
    /// </summary>
    /// <param name="folder">The folder to write into; created if missing.</param>
    /// <param name="tensors">Names and tensors, written in this order.</param>
    /// <param name="maxShardBytes">The most tensor bytes per shard (headers not counted, as in Hugging Face).</param>
    /// <param name="baseName">The file name stem, "model" by default.</param>
    /// <exception cref="ArgumentException">As for <see cref="Write"/>, or <paramref name="maxShardBytes"/> is not positive.</exception>
    public static void WriteSharded(string folder, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        long maxShardBytes, string baseName = "model")
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        ArgumentException.ThrowIfNullOrEmpty(baseName);

        List<Planned> plan = Plan(tensors);
        List<List<Planned>> shards = Split(plan, maxShardBytes);
        Directory.CreateDirectory(folder);
        var shardMetadata = new Dictionary<string, string> { ["format"] = "pt" };
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string shardName = ShardFileName(baseName, i + 1, shards.Count);
            Write(Path.Combine(folder, shardName),
                shards[i].Select(p => KeyValuePair.Create(p.Name, p.Tensor)), shardMetadata);
            foreach (Planned item in shards[i]) weightMap[item.Name] = shardName;
        }

        long totalSize = plan.Sum(p => p.ByteLength);
        AtomicFile.WriteAllText(Path.Combine(folder, IndexFileName(baseName)), IndexJson(totalSize, weightMap));
    }

    /// <summary>The shard file name Hugging Face uses: <c>model-00002-of-00005.safetensors</c>.</summary>
    public static string ShardFileName(string baseName, int number, int count) =>
        $"{baseName}-{number:D5}-of-{count:D5}.safetensors";

    /// <summary>The index file name Hugging Face uses: <c>model.safetensors.index.json</c>.</summary>
    public static string IndexFileName(string baseName) => $"{baseName}.safetensors.index.json";

    private sealed record Planned(string Name, torch.Tensor Tensor, SafetensorsDType DType, long[] Shape, long ByteLength);

    // Checks every tensor before anything is written, so a bad input never leaves a partial file set.
    private static List<Planned> Plan(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        var plan = new List<Planned>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, torch.Tensor tensor) in tensors)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"Tensor name '{SafetensorsHeader.MetadataKey}' is reserved for metadata.", nameof(tensors));
            if (!names.Add(name))
                throw new ArgumentException($"Tensor name {Quote.Name(name)} appears twice.", nameof(tensors));
            if (!SafetensorsDTypes.TryFromScalarType(tensor.dtype, out SafetensorsDType dtype))
                throw new ArgumentException(
                    $"Tensor {Quote.Name(name)} has element type {tensor.dtype}, which safetensors cannot store here; supported: {SafetensorsDTypes.AllNames}.",
                    nameof(tensors));
            plan.Add(new Planned(name, tensor, dtype, tensor.shape, tensor.NumberOfElements * dtype.ElementSize()));
        }
        return plan;
    }

    private static byte[] Header(List<Planned> plan, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach ((string key, string value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (Planned item in plan)
            {
                json.WriteStartObject(item.Name);
                json.WriteString("dtype", item.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long dim in item.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + item.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += item.ByteLength;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned.
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static List<List<Planned>> Split(List<Planned> plan, long maxShardBytes)
    {
        var shards = new List<List<Planned>> { new() };
        long size = 0;
        foreach (Planned item in plan)
        {
            if (shards[^1].Count > 0 && size + item.ByteLength > maxShardBytes)
            {
                shards.Add(new List<Planned>());
                size = 0;
            }
            shards[^1].Add(item);
            size += item.ByteLength;
        }
        return shards;
    }

    // Matches transformers' json.dumps(index, indent=2, sort_keys=True) + "\n".
    private static string IndexJson(long totalSize, Dictionary<string, string> weightMap)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach ((string name, string shard) in weightMap.OrderBy(p => p.Key, StringComparer.Ordinal))
                json.WriteString(name, shard);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
