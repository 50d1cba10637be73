using System.Numerics;
using System.Text.Json;
using SharpSight.Core.TensorFiles;
using TorchSharp;
using static SharpSight.Core.Tests.TensorFiles.RawTorchCheckpoint;

namespace SharpSight.Core.Tests.TensorFiles;

/// <summary>
/// Reads checkpoints written by real PyTorch (Fixtures/make_torch_fixtures.py) and compares every tensor and
/// value with what torch.load read back from the same files (Fixtures/Torch/expected.json).
/// </summary>
public class TorchCheckpointTests
{
    private static readonly Dictionary<torch.ScalarType, string> TorchNames = new()
    {
        [torch.ScalarType.Float32] = "float32", [torch.ScalarType.Float64] = "float64", [torch.ScalarType.Float16] = "float16",
        [torch.ScalarType.BFloat16] = "bfloat16", [torch.ScalarType.Int64] = "int64", [torch.ScalarType.Int32] = "int32",
        [torch.ScalarType.Int16] = "int16", [torch.ScalarType.Int8] = "int8", [torch.ScalarType.Byte] = "uint8",
        [torch.ScalarType.Bool] = "bool",
    };

    private static JsonElement Expected(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(FixturePath("expected.json")));
        return document.RootElement.GetProperty(file).Clone();
    }

    [Theory]
    [InlineData("autoencoder.pt")]
    [InlineData("mixed.pt")]
    [InlineData("mixed_protocol4.pt")]
    [InlineData("tensor.pt")]
    public void Reads_every_tensor_and_value_as_torch_load_does(string file)
    {
        JsonElement expected = Expected(file);
        using TorchCheckpointContents contents = TorchCheckpoint.ReadContents(FixturePath(file));

        var expectedTensors = expected.GetProperty("tensors").EnumerateObject().ToList();
        Assert.Equal(expectedTensors.Select(t => t.Name), contents.Tensors.Keys);
        foreach (JsonProperty property in expectedTensors)
        {
            torch.Tensor tensor = contents.Tensors[property.Name];
            JsonElement spec = property.Value;
            Assert.Equal(spec.GetProperty("dtype").GetString(), TorchNames[tensor.dtype]);
            Assert.Equal(spec.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), tensor.shape);
            Assert.Equal(DeviceType.CPU, tensor.device_type);
            Assert.True(tensor.is_contiguous(), $"{property.Name} is not contiguous");
            Assert.False(tensor.requires_grad);
            AssertValues(property.Name, spec.GetProperty("values"), tensor);
        }

        var expectedValues = expected.GetProperty("values").EnumerateObject().ToList();
        Assert.Equal(expectedValues.Select(v => v.Name), contents.Values.Keys);
        foreach (JsonProperty property in expectedValues)
            AssertValue(property.Name, property.Value, contents.Values[property.Name]);
    }

    private static void AssertValues(string name, JsonElement values, torch.Tensor tensor)
    {
        JsonElement[] items = values.EnumerateArray().ToArray();
        using torch.Tensor flat = tensor.reshape(-1);
        switch (tensor.dtype)
        {
            case torch.ScalarType.Bool:
                Assert.Equal(items.Select(v => v.GetBoolean()), flat.data<bool>().ToArray());
                break;
            case torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16:
            {
                // Every stored value is exact in float64, so the comparison is exact.
                using torch.Tensor doubles = flat.to(torch.ScalarType.Float64);
                Assert.True(items.Select(v => v.GetDouble()).SequenceEqual(doubles.data<double>().ToArray()), $"values of {name} differ");
                break;
            }
            default:
            {
                using torch.Tensor longs = flat.to(torch.ScalarType.Int64);
                Assert.Equal(items.Select(v => v.GetInt64()), longs.data<long>().ToArray());
                break;
            }
        }
    }

    private static void AssertValue(string name, JsonElement expected, object? actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.Null(actual);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(expected.GetBoolean(), Assert.IsType<bool>(actual));
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), Assert.IsType<string>(actual));
                break;
            case JsonValueKind.Number when expected.TryGetInt64(out long integer) && !expected.GetRawText().Contains('.'):
                Assert.Equal(integer, Assert.IsType<long>(actual));
                break;
            case JsonValueKind.Number when !expected.GetRawText().Contains('.'):
                Assert.Equal(BigInteger.Parse(expected.GetRawText()), Assert.IsType<BigInteger>(actual));
                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.GetDouble(), Assert.IsType<double>(actual));
                break;
            case JsonValueKind.Object when expected.TryGetProperty("dtype", out JsonElement dtype):
                Assert.Equal(dtype.GetString(), TorchNames[Assert.IsType<torch.ScalarType>(actual)]);
                break;
            default:
                Assert.Fail($"expected.json value of {name} has an unknown form: {expected.GetRawText()}");
                break;
        }
    }

    [Fact]
    public void Dictionary_learning_state_dict_reads_by_name()
    {
        IReadOnlyDictionary<string, torch.Tensor> tensors = TorchCheckpoint.Read(FixturePath("autoencoder.pt"));
        try
        {
            Assert.Equal(["b_dec", "threshold", "k", "encoder.weight", "encoder.bias", "decoder.weight"], tensors.Keys);
            Assert.Equal([6L, 4L], tensors["encoder.weight"].shape);
            Assert.Equal(3L, tensors["k"].item<long>());
            // Saved with transposed strides (encoder.weight.T.clone() * 2); read back as a contiguous copy.
            using torch.Tensor tied = tensors["encoder.weight"].t() * 2;
            Assert.True(tensors["decoder.weight"].eq(tied).all().item<bool>());
        }
        finally
        {
            foreach (torch.Tensor tensor in tensors.Values) tensor.Dispose();
        }
    }

    [Fact]
    public void Read_skips_values_that_are_not_tensors()
    {
        IReadOnlyDictionary<string, torch.Tensor> tensors = TorchCheckpoint.Read(FixturePath("mixed.pt"));
        try
        {
            Assert.Contains("nested.list.2.0", tensors.Keys);
            Assert.DoesNotContain("int", tensors.Keys);
            Assert.DoesNotContain("nested.list.1", tensors.Keys);
        }
        finally
        {
            foreach (torch.Tensor tensor in tensors.Values) tensor.Dispose();
        }
    }

    [Fact]
    public void Views_of_a_shared_storage_are_copies_but_one_tensor_under_two_names_shares_memory()
    {
        using TorchCheckpointContents contents = TorchCheckpoint.ReadContents(FixturePath("mixed.pt"));
        torch.Tensor f32 = contents.Tensors["f32"], again = contents.Tensors["f32_again"], transposed = contents.Tensors["f32_t"];
        f32.add_(1000);
        Assert.Equal(999f, again[0, 0].item<float>()); // The same tensor object in the file: shared, as torch.load gives it.
        Assert.Equal(-1f, transposed[0, 0].item<float>()); // A strided view: an independent contiguous copy.
        Assert.Equal(104f, contents.Tensors["slice_b"][0, 0].item<float>());
    }

    [Fact]
    public void Lone_tensor_has_the_empty_name()
    {
        using TorchCheckpointContents contents = TorchCheckpoint.ReadContents(FixturePath("tensor.pt"));
        Assert.Equal([""], contents.Tensors.Keys);
        Assert.Equal([0L, 1L, 2L], contents.Tensors[""].data<long>().ToArray());
    }

    [Fact]
    public void Legacy_format_is_refused_with_advice()
    {
        var error = Assert.Throws<TensorFileException>(() => TorchCheckpoint.Read(FixturePath("legacy.pt")));
        Assert.StartsWith("legacy.pt: file is a bare pickle, the legacy torch.save format", error.Message);
    }

    [Fact]
    public void Crafted_checkpoint_with_offset_and_strides_reads()
    {
        // A 2x2 view starting at element 1 with strides (1, 2) of [0, 1, 2, 3, 4]: [[1, 3], [2, 4]].
        byte[] pickle = StateDict(new TensorSpec("w", "0", 5, 1, [2, 2], [1, 2]), new TensorSpec("all", "0", 5, 0, [5], [1]));
        using var folder = new TempFolder();
        string path = folder.File("crafted.pt");
        File.WriteAllBytes(path, Checkpoint(pickle, ("0", Floats(0, 1, 2, 3, 4))));

        using TorchCheckpointContents contents = TorchCheckpoint.ReadContents(path);
        Assert.Equal([1f, 3f, 2f, 4f], contents.Tensors["w"].data<float>().ToArray());
        Assert.Equal([0f, 1f, 2f, 3f, 4f], contents.Tensors["all"].data<float>().ToArray());
    }

    [Fact]
    public void Deflated_records_and_any_top_folder_name_read()
    {
        byte[] pickle = StateDict(new TensorSpec("w", "7", 3, 0, [3], [1]));
        using var folder = new TempFolder();
        string path = folder.File("deflated.pt");
        File.WriteAllBytes(path, Zip([("my model/data.pkl", pickle), ("my model/data/7", Floats(1, 2, 3)), ("my model/byteorder", "little"u8.ToArray())], deflate: true));

        using TorchCheckpointContents contents = TorchCheckpoint.ReadContents(path);
        Assert.Equal([1f, 2f, 3f], contents.Tensors["w"].data<float>().ToArray());
    }
}
