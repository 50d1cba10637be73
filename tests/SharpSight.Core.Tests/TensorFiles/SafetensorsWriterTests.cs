using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SharpSight.Core.TensorFiles;
using TorchSharp;

namespace SharpSight.Core.Tests.TensorFiles;

public class SafetensorsWriterTests
{
    public static TheoryData<SafetensorsDType> AllDTypes => new(SafetensorsDTypes.All);

    private static readonly long[][] Shapes = [[], [0], [5], [2, 3], [2, 0, 4], [1, 3, 1, 2]];

    /// <summary>Distinct values per element, negative where the type allows, in the requested type.</summary>
    internal static torch.Tensor Sample(torch.ScalarType type, long[] shape, int seed = 0)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        using var index = torch.arange(count, torch.ScalarType.Float64).reshape(shape);
        using var values = type switch
        {
            torch.ScalarType.Bool => (index + seed).remainder(2),
            torch.ScalarType.Byte => (index * 7 + seed).remainder(256),
            torch.ScalarType.Int8 or torch.ScalarType.Int16 => index * 3 - 10 + seed,
            torch.ScalarType.Int32 or torch.ScalarType.Int64 => index * 100_003 - 1_000_000 + seed,
            _ => (index - 3.25 + seed) * 0.5,
        };
        return values.to(type);
    }

    internal static void AssertSameTensor(torch.Tensor expected, torch.Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.contiguous();
        Assert.Equal(e.bytes.ToArray(), actual.bytes.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Every_dtype_round_trips_exactly_for_every_shape(SafetensorsDType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("rt.safetensors");
        var tensors = Shapes.Select((shape, i) => KeyValuePair.Create($"t{i}", Sample(dtype.ToScalarType(), shape, i))).ToList();

        SafetensorsWriter.Write(path, tensors);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(tensors.Select(t => t.Key), file.Entries.Select(e => e.Name));
        foreach ((string name, torch.Tensor original) in tensors)
        {
            Assert.Equal(dtype, file.Entries.Single(e => e.Name == name).DType);
            AssertSameTensor(original, file.Read(name));
        }
    }

    [Fact]
    public void Header_is_space_padded_to_multiple_of_eight_and_tensors_contiguous_in_given_order()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("layout.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        SafetensorsWriter.Write(path, [
            KeyValuePair.Create("z", torch.tensor(new float[] { 1, 2, 3 })),
            KeyValuePair.Create("a", torch.tensor(new long[] { 7 })),
        ], metadata);

        byte[] bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal(
            """{"__metadata__":{"format":"pt"},"z":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"a":{"dtype":"I64","shape":[1],"data_offsets":[12,20]}}""",
            header.TrimEnd(' '));
        Assert.Equal(8 + (int)headerLength + 20, bytes.Length);
        Assert.Equal(7L, BitConverter.ToInt64(bytes, 8 + (int)headerLength + 12));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Non_contiguous_and_grad_tracking_tensors_are_written_by_value()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("views.safetensors");
        var matrix = torch.arange(12, torch.ScalarType.Float32).reshape(3, 4);
        var transposed = matrix.t();
        var slice = matrix[.., 1];
        var leaf = torch.ones(2, 2, requires_grad: true);
        Assert.False(transposed.is_contiguous());

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["t"] = transposed, ["s"] = slice, ["g"] = leaf });

        using var file = SafetensorsFile.Open(path);
        AssertSameTensor(transposed, file.Read("t"));
        AssertSameTensor(slice, file.Read("s"));
        AssertSameTensor(leaf.detach(), file.Read("g"));
    }

    [Fact]
    public void Duplicate_names_are_rejected_and_nothing_is_written()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("dup.safetensors");
        var error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [
            KeyValuePair.Create("w", torch.zeros(1)),
            KeyValuePair.Create("w", torch.zeros(2)),
        ]));
        Assert.Contains("'w' appears twice", error.Message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Theory]
    [InlineData(torch.ScalarType.ComplexFloat32)]
    [InlineData(torch.ScalarType.ComplexFloat64)]
    public void Unsupported_dtypes_are_rejected(torch.ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        var error = Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(folder.File("c.safetensors"), [KeyValuePair.Create("c", torch.zeros(2, dtype: type))]));
        Assert.Contains($"'c' has element type {type}", error.Message);
    }

    [Fact]
    public void Metadata_key_is_reserved()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(folder.File("m.safetensors"), [KeyValuePair.Create("__metadata__", torch.zeros(1))]));
    }

    [Fact]
    public void Empty_tensor_list_writes_a_valid_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("none.safetensors");
        SafetensorsWriter.Write(path, []);
        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Entries);
    }

    [Fact]
    public void Names_with_quotes_and_unicode_round_trip()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("names.safetensors");
        string[] names = ["a\"b", "tab\there", "ünï.cödé", "<html>&"];
        SafetensorsWriter.Write(path, names.Select((n, i) => KeyValuePair.Create(n, torch.full(1, i, torch.ScalarType.Int32))));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(names, file.Entries.Select(e => e.Name));
        Assert.Equal(3, file.Read("<html>&").item<int>());
        // The header is plain JSON that any parser reads.
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path).AsMemory(8, (int)BitConverter.ToUInt64(File.ReadAllBytes(path), 0)));
        Assert.Equal(4, doc.RootElement.EnumerateObject().Count());
    }
}
