using SharpSight.Core.TensorFiles;
using TorchSharp;
using static SharpSight.Core.Tests.TensorFiles.RawSafetensors;

namespace SharpSight.Core.Tests.TensorFiles;

/// <summary>Hand-built files, independent of the writer, read back to known values.</summary>
public class SafetensorsReadTests
{
    [Fact]
    public void Reads_f32_tensor_with_metadata_and_header_order()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, Build(
            """{"__metadata__":{"format":"pt","note":"x"},"b":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""",
            Floats(10, 20, 1, 2, 3, 4)));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["b", "a"], file.Entries.Select(e => e.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("x", file.Metadata["note"]);
        Assert.True(file.Contains("a"));
        Assert.False(file.Contains("c"));
        Assert.True(file.TryGetEntry("b", out TensorEntry? b));
        Assert.Equal(new TensorEntry("b", SafetensorsDType.F32, b!.Shape, 8, 24), b);
        Assert.Equal([2L, 2L], b.Shape);
        Assert.Equal(16, b.ByteLength);
        Assert.Equal(4, b.ElementCount);
        Assert.Equal(8 + new FileInfo(path).Length - 24 - 8, file.DataOffset);

        using var tb = file.Read("b");
        using var ta = file.Read("a");
        Assert.Equal(torch.ScalarType.Float32, tb.dtype);
        Assert.Equal([2L, 2L], tb.shape);
        Assert.Equal([1f, 2, 3, 4], tb.data<float>().ToArray());
        Assert.Equal([10f, 20], ta.data<float>().ToArray());
    }

    [Fact]
    public void Reads_bf16_bit_patterns_and_converts_to_float32()
    {
        using var folder = new TempFolder();
        string path = folder.File("bf16.safetensors");
        // 1.0, -2.0, 0.5, 3.140625 (0x4049), -0.0, +inf
        ushort[] bits = [0x3F80, 0xC000, 0x3F00, 0x4049, 0x8000, 0x7F80];
        File.WriteAllBytes(path, Build("""{"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}}""", UInt16s(bits)));

        using var file = SafetensorsFile.Open(path);
        using var raw = file.Read("w");
        Assert.Equal(torch.ScalarType.BFloat16, raw.dtype);
        Assert.Equal(UInt16s(bits), raw.bytes.ToArray());

        using var f32 = file.Read("w", torch.ScalarType.Float32);
        Assert.Equal(torch.ScalarType.Float32, f32.dtype);
        Assert.Equal([2L, 3L], f32.shape);
        float[] values = f32.data<float>().ToArray();
        Assert.Equal([1f, -2f, 0.5f, 3.140625f, -0f, float.PositiveInfinity], values);
        Assert.True(float.IsNegative(values[4]));
    }

    [Fact]
    public void Reads_f16_bit_patterns_and_converts_to_float32()
    {
        using var folder = new TempFolder();
        string path = folder.File("f16.safetensors");
        // 1.0, 65504 (largest half), -2.0, 2^-24 (smallest subnormal)
        ushort[] bits = [0x3C00, 0x7BFF, 0xC000, 0x0001];
        File.WriteAllBytes(path, Build("""{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}""", UInt16s(bits)));

        using var file = SafetensorsFile.Open(path);
        using var raw = file.Read("h");
        Assert.Equal(torch.ScalarType.Float16, raw.dtype);
        using var f32 = file.Read("h", torch.ScalarType.Float32);
        Assert.Equal([1f, 65504f, -2f, MathF.Pow(2, -24)], f32.data<float>().ToArray());
    }

    [Fact]
    public void Reads_integer_and_bool_types_little_endian()
    {
        using var folder = new TempFolder();
        string path = folder.File("ints.safetensors");
        byte[] i64 = BitConverter.GetBytes(-5L).Concat(BitConverter.GetBytes(long.MaxValue)).ToArray();
        byte[] i16 = [0x34, 0x12, 0xFF, 0xFF];          // 0x1234, -1
        byte[] u8 = [0, 255];
        byte[] b = [1, 0, 1];
        File.WriteAllBytes(path, Build(
            """{"i64":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"i16":{"dtype":"I16","shape":[2],"data_offsets":[16,20]},"u8":{"dtype":"U8","shape":[2],"data_offsets":[20,22]},"b":{"dtype":"BOOL","shape":[3],"data_offsets":[22,25]}}""",
            Concat(i64, i16, u8, b)));

        using var file = SafetensorsFile.Open(path);
        using var t64 = file.Read("i64");
        using var t16 = file.Read("i16");
        using var tu8 = file.Read("u8");
        using var tb = file.Read("b");
        Assert.Equal([-5L, long.MaxValue], t64.data<long>().ToArray());
        Assert.Equal([(short)0x1234, (short)-1], t16.data<short>().ToArray());
        Assert.Equal([(byte)0, (byte)255], tu8.data<byte>().ToArray());
        Assert.Equal(torch.ScalarType.Bool, tb.dtype);
        Assert.Equal([true, false, true], tb.data<bool>().ToArray());
    }

    [Fact]
    public void Accepts_space_padded_header_scalars_empty_tensors_and_unknown_entry_fields()
    {
        using var folder = new TempFolder();
        string path = folder.File("pad.safetensors");
        string json = """{"s":{"dtype":"F64","shape":[],"data_offsets":[0,8],"extra":1},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[8,8]},"__metadata__":null}""";
        File.WriteAllBytes(path, Build(json + "       ", BitConverter.GetBytes(2.5)));

        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Metadata);
        using var s = file.Read("s");
        Assert.Empty(s.shape);
        Assert.Equal(2.5, s.item<double>());
        using var e = file.Read("e");
        Assert.Equal([0L, 3L], e.shape);
    }

    [Fact]
    public void Accepts_empty_header_object_without_data()
    {
        using var folder = new TempFolder();
        string path = folder.File("empty.safetensors");
        File.WriteAllBytes(path, Build("{}      ", 0));
        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Entries);
        var error = Assert.Throws<TensorFileException>(() => file.Read("x"));
        Assert.Equal("empty.safetensors: tensor 'x' is not in the file (it has no tensors)", error.Message);
    }

    [Fact]
    public void Unknown_name_lists_that_it_is_not_in_the_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("one.safetensors");
        File.WriteAllBytes(path, Build("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 1));
        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<TensorFileException>(() => file.Read("missing.weight"));
        Assert.Equal("one.safetensors: tensor 'missing.weight' is not in the file (it has 1 tensors, e.g. 'a')", error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Read_converts_dtype_and_keeps_cpu_device()
    {
        using var folder = new TempFolder();
        string path = folder.File("c.safetensors");
        File.WriteAllBytes(path, Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", Floats(1.5f, -2)));
        using var file = SafetensorsFile.Open(path);
        using var t = file.Read("a", torch.ScalarType.Float64, torch.CPU);
        Assert.Equal(torch.ScalarType.Float64, t.dtype);
        Assert.Equal(DeviceType.CPU, t.device_type);
        Assert.Equal([1.5, -2.0], t.data<double>().ToArray());
    }

    [Fact]
    public void Chunked_storage_walk_reads_every_byte_in_order()
    {
        using var folder = new TempFolder();
        string path = folder.File("chunks.safetensors");
        float[] values = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        File.WriteAllBytes(path, Build("""{"a":{"dtype":"F32","shape":[10,100],"data_offsets":[0,4000]}}""", Floats(values)));
        using var file = SafetensorsFile.Open(path);
        using var read = file.Read("a");

        // Walk the same tensor in 7-element chunks (28 bytes; the tail is shorter) and check offsets and contents.
        using var copy = torch.empty([10, 100], torch.ScalarType.Float32);
        var offsets = new List<long>();
        byte[] source = read.bytes.ToArray();
        SharpSight.Core.TensorFiles.TensorBytes.ForEachChunk(copy, (chunk, offset) =>
        {
            offsets.Add(offset);
            source.AsSpan((int)offset, chunk.Length).CopyTo(chunk);
        }, chunkBytes: 30);
        Assert.Equal(Enumerable.Range(0, 143).Select(i => i * 28L), offsets);
        Assert.Equal(values, copy.data<float>().ToArray());
    }
}
