using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Tests.Reference;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests.Support;

/// <summary>Writes test checkpoints in the exact Hugging Face folder layout, with the project's own safetensors writer.</summary>
public static class CheckpointFolder
{
    /// <summary>config.json + model.safetensors (or shards + index), weights stored in <paramref name="dtype"/>.</summary>
    public static void Write(string folder, JsonObject config, IReadOnlyDictionary<string, RefTensor> weights,
        ScalarType dtype = ScalarType.Float32, long? shardBytes = null, Func<string, string>? rename = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        using var scope = NewDisposeScope();
        var tensors = weights.Select(pair => new KeyValuePair<string, Tensor>(rename?.Invoke(pair.Key) ?? pair.Key, ToTensor(pair.Value).to(dtype))).ToList();
        if (shardBytes is { } size) SafetensorsWriter.WriteSharded(folder, tensors, size);
        else SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors);
    }

    public static Tensor ToTensor(RefTensor value) =>
        tensor(value.Data.Select(x => (float)x).ToArray(), value.Shape.Select(d => (long)d).ToArray(), ScalarType.Float32);

    public static Tensor Ids(params int[] ids) => tensor(ids.Select(i => (long)i).ToArray(), ScalarType.Int64);
}
