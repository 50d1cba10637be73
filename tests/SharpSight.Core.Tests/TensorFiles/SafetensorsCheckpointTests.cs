using System.Text.Json;
using SharpSight.Core.TensorFiles;
using TorchSharp;
using static SharpSight.Core.Tests.TensorFiles.RawSafetensors;

namespace SharpSight.Core.Tests.TensorFiles;

public class SafetensorsCheckpointTests
{
    private static List<KeyValuePair<string, torch.Tensor>> Model() =>
    [
        KeyValuePair.Create("embed.weight", SafetensorsWriterTests.Sample(torch.ScalarType.Float32, [10, 4])),      // 160 bytes
        KeyValuePair.Create("h.0.weight", SafetensorsWriterTests.Sample(torch.ScalarType.BFloat16, [4, 4], 1)),     // 32
        KeyValuePair.Create("h.0.bias", SafetensorsWriterTests.Sample(torch.ScalarType.Float16, [4], 2)),           // 8
        KeyValuePair.Create("h.1.weight", SafetensorsWriterTests.Sample(torch.ScalarType.Float32, [4, 4], 3)),      // 64
        KeyValuePair.Create("big", SafetensorsWriterTests.Sample(torch.ScalarType.Float64, [30])),                  // 240, over the limit
        KeyValuePair.Create("ids", SafetensorsWriterTests.Sample(torch.ScalarType.Int64, [3])),                     // 24
        KeyValuePair.Create("scalar", SafetensorsWriterTests.Sample(torch.ScalarType.Float32, [])),                 // 4
    ];

    [Fact]
    public void WriteSharded_then_Open_reads_every_tensor_and_index_matches_hugging_face_layout()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        var model = Model();

        SafetensorsWriter.WriteSharded(folder.Path, model, maxShardBytes: 200);

        // Shards close when the next tensor would pass 200 bytes: [embed, h.0.weight, h.0.bias], [h.1.weight], [big], [ids, scalar].
        string[] expectedShards = ["model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors", "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors"];
        Assert.Equal(
            expectedShards.Append("model.safetensors.index.json").Order(StringComparer.Ordinal),
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        string index = File.ReadAllText(folder.File("model.safetensors.index.json"));
        Assert.Equal("""
            {
              "metadata": {
                "total_size": 532
              },
              "weight_map": {
                "big": "model-00003-of-00004.safetensors",
                "embed.weight": "model-00001-of-00004.safetensors",
                "h.0.bias": "model-00001-of-00004.safetensors",
                "h.0.weight": "model-00001-of-00004.safetensors",
                "h.1.weight": "model-00002-of-00004.safetensors",
                "ids": "model-00004-of-00004.safetensors",
                "scalar": "model-00004-of-00004.safetensors"
              }
            }

            """, index);

        using var checkpoint = SafetensorsCheckpoint.Open(folder.Path);
        Assert.True(checkpoint.IsSharded);
        Assert.Equal(model.Select(p => p.Key).Order(StringComparer.Ordinal), checkpoint.Names.Order(StringComparer.Ordinal));
        foreach ((string name, torch.Tensor original) in model)
            SafetensorsWriterTests.AssertSameTensor(original, checkpoint.Read(name));
        Assert.Equal(folder.File("model-00003-of-00004.safetensors"), checkpoint.FileOf("big"));
        Assert.Equal([30L], checkpoint.Entry("big").Shape);
        using (var shard = SafetensorsFile.Open(folder.File("model-00002-of-00004.safetensors")))
            Assert.Equal("pt", shard.Metadata["format"]);

        using var converted = checkpoint.Read("h.0.weight", torch.ScalarType.Float32);
        Assert.Equal(torch.ScalarType.Float32, converted.dtype);
    }

    [Fact]
    public void WriteSharded_with_room_for_everything_writes_one_shard_and_an_index()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        SafetensorsWriter.WriteSharded(folder.Path, Model(), maxShardBytes: 1 << 20, baseName: "weights");
        Assert.True(File.Exists(folder.File("weights-00001-of-00001.safetensors")));
        using var doc = JsonDocument.Parse(File.ReadAllText(folder.File("weights.safetensors.index.json")));
        Assert.Equal(532, doc.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.All(doc.RootElement.GetProperty("weight_map").EnumerateObject(),
            p => Assert.Equal("weights-00001-of-00001.safetensors", p.Value.GetString()));
        using var checkpoint = SafetensorsCheckpoint.Open(folder.File("weights.safetensors.index.json"));
        Assert.Equal(7, checkpoint.Names.Count);
    }

    [Fact]
    public void Single_file_is_preferred_over_index()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        SafetensorsWriter.WriteSharded(folder.Path, Model(), maxShardBytes: 100);
        SafetensorsWriter.Write(folder.File("model.safetensors"), [KeyValuePair.Create("only", torch.ones(2))]);

        using var checkpoint = SafetensorsCheckpoint.Open(folder.Path);
        Assert.False(checkpoint.IsSharded);
        Assert.Equal(["only"], checkpoint.Names);
        Assert.Equal(folder.File("model.safetensors"), checkpoint.FileOf("only"));
        var error = Assert.Throws<TensorFileException>(() => checkpoint.Read("big"));
        Assert.Equal("model.safetensors: tensor 'big' is not in the checkpoint (it has 1 tensors)", error.Message);
    }

    [Fact]
    public void Folder_without_either_file_names_both()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Contains(Path.GetFileName(folder.Path), error.Message);
        Assert.Contains("'model.safetensors'", error.Message);
        Assert.Contains("'model.safetensors.index.json'", error.Message);
        Assert.Equal(folder.Path, error.FilePath);
    }

    [Fact]
    public void Missing_folder_is_reported()
    {
        using var folder = new TempFolder();
        string missing = Path.Combine(folder.Path, "gpt2");
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(missing));
        Assert.StartsWith("gpt2: folder does not exist, so it has neither 'model.safetensors' nor 'model.safetensors.index.json'", error.Message);
    }

    private static void WriteIndex(TempFolder folder, string weightMapJson) =>
        File.WriteAllText(folder.File("model.safetensors.index.json"), $$"""{"metadata":{"total_size":8},"weight_map":{{weightMapJson}}}""");

    private static void WriteShard(TempFolder folder, string name, params string[] tensors) =>
        File.WriteAllBytes(folder.File(name), Build(
            "{" + string.Join(",", tensors.Select((t, i) => $$"""
                "{{t}}":{"dtype":"F32","shape":[1],"data_offsets":[{{i * 4}},{{i * 4 + 4}}]}
                """)) + "}",
            Floats(tensors.Select((_, i) => (float)i).ToArray())));

    [Fact]
    public void Missing_shard_names_index_and_shard()
    {
        using var folder = new TempFolder();
        WriteShard(folder, "a.safetensors", "x");
        WriteIndex(folder, """{"x":"a.safetensors","y":"b.safetensors"}""");
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.StartsWith("model.safetensors.index.json: shard 'b.safetensors' listed in weight_map for 1 tensor(s), e.g. 'y', does not exist in ", error.Message);
    }

    [Fact]
    public void Tensor_missing_from_its_shard_is_an_error()
    {
        using var folder = new TempFolder();
        WriteShard(folder, "a.safetensors", "x");
        WriteIndex(folder, """{"x":"a.safetensors","y":"a.safetensors"}""");
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Equal("model.safetensors.index.json: weight_map puts tensor 'y' in shard 'a.safetensors', but that shard does not contain it", error.Message);
    }

    [Fact]
    public void Tensors_a_shard_holds_but_the_index_omits_are_readable()
    {
        using var folder = new TempFolder();
        WriteShard(folder, "a.safetensors", "x", "extra");
        WriteShard(folder, "b.safetensors", "y");
        WriteIndex(folder, """{"y":"b.safetensors","x":"a.safetensors"}""");
        using var checkpoint = SafetensorsCheckpoint.Open(folder.Path);
        Assert.Equal(["y", "x", "extra"], checkpoint.Names);
        using var extra = checkpoint.Read("extra");
        Assert.Equal([1f], extra.data<float>().ToArray());
        Assert.Equal(folder.File("a.safetensors"), checkpoint.FileOf("extra"));
    }

    [Fact]
    public void Unlisted_tensor_in_two_shards_is_ambiguous()
    {
        using var folder = new TempFolder();
        WriteShard(folder, "a.safetensors", "x", "dup");
        WriteShard(folder, "b.safetensors", "y", "dup");
        WriteIndex(folder, """{"x":"a.safetensors","y":"b.safetensors"}""");
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Contains("tensor 'dup' is missing from weight_map and appears in two shards, 'a.safetensors' and 'b.safetensors'", error.Message);
    }

    [Theory]
    [InlineData("not json", "model.safetensors.index.json: index is not valid JSON:")]
    [InlineData("[]", "model.safetensors.index.json: index is a JSON array, expected an object with 'weight_map'")]
    [InlineData("""{"metadata":{}}""", "model.safetensors.index.json: index has no 'weight_map' field")]
    [InlineData("""{"weight_map":[]}""", "model.safetensors.index.json: 'weight_map' is a JSON array, expected an object")]
    [InlineData("""{"weight_map":{"x":1}}""", "model.safetensors.index.json: 'weight_map' value for 'x' is a JSON number, expected a shard file name")]
    [InlineData("""{"weight_map":{"x":"../a.safetensors"}}""", "model.safetensors.index.json: 'weight_map' value for 'x' is '../a.safetensors', expected a file name in the same folder")]
    [InlineData("""{"weight_map":{"x":"/etc/passwd"}}""", "model.safetensors.index.json: 'weight_map' value for 'x' is '/etc/passwd', expected a file name in the same folder")]
    [InlineData("""{"weight_map":{"x":"a.safetensors","x":"a.safetensors"}}""", "model.safetensors.index.json: 'weight_map' has tensor 'x' twice")]
    public void Malformed_index_is_reported(string json, string message)
    {
        using var folder = new TempFolder();
        WriteShard(folder, "a.safetensors", "x");
        File.WriteAllText(folder.File("model.safetensors.index.json"), json);
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Malformed_shard_is_reported_with_the_shard_name()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("a.safetensors"), [1, 2, 3]);
        WriteIndex(folder, """{"x":"a.safetensors"}""");
        var error = Assert.Throws<TensorFileException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Equal("a.safetensors: file is 3 bytes, too short for the 8-byte header length", error.Message);
    }

    [Fact]
    public void WriteSharded_rejects_non_positive_limit()
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => SafetensorsWriter.WriteSharded(folder.Path, [], 0));
    }
}
