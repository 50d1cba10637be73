using System.Buffers.Binary;
using System.Text;
using SharpSight.Core.TensorFiles;
using TorchSharp;

namespace SharpSight.Core.Tests.TensorFiles;

public class NpyTests
{
    /// <summary>Builds an .npy file as numpy does: preamble padded with spaces and '\n' to a multiple of 64.</summary>
    internal static byte[] Build(string dict, byte[] data, int major = 1, int align = 64)
    {
        int fixedLength = major == 1 ? 10 : 12;
        int length = dict.Length + 1;
        length += (align - (fixedLength + length) % align) % align;
        string header = dict.PadRight(length - 1) + "\n";
        byte[] text = major == 3 ? Encoding.UTF8.GetBytes(header) : Encoding.Latin1.GetBytes(header);
        var file = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var len = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)text.Length);
        file.AddRange(len);
        file.AddRange(text);
        file.AddRange(data);
        return [.. file];
    }

    private static byte[] Doubles(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static TheoryData<torch.ScalarType, string> Types => new()
    {
        { torch.ScalarType.Float32, "<f4" }, { torch.ScalarType.Float64, "<f8" }, { torch.ScalarType.Int64, "<i8" },
        { torch.ScalarType.Int32, "<i4" }, { torch.ScalarType.Int16, "<i2" }, { torch.ScalarType.Int8, "|i1" },
        { torch.ScalarType.Byte, "|u1" }, { torch.ScalarType.Bool, "|b1" }, { torch.ScalarType.Float16, "<f2" },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Round_trips_every_type_for_scalar_1d_3d_and_empty_shapes(torch.ScalarType type, string descr)
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        long[][] shapes = [[], [5], [2, 3, 4], [0], [2, 0]];
        foreach (long[] shape in shapes)
        {
            string path = folder.File($"a{shape.Length}.npy");
            var original = SafetensorsWriterTests.Sample(type, shape, 1);
            Npy.Write(path, original);

            byte[] bytes = File.ReadAllBytes(path);
            int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            Assert.Equal(1, bytes[6]);
            Assert.Equal(0, (10 + headerLength) % 64);
            string header = Encoding.Latin1.GetString(bytes, 10, headerLength);
            Assert.StartsWith($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {NpyHeader.PythonTuple(shape)}, }}", header);
            Assert.EndsWith("\n", header);

            SafetensorsWriterTests.AssertSameTensor(original, Npy.Read(path));
        }
    }

    [Fact]
    public void Writes_exactly_what_numpy_writes()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("np.npy");
        Npy.Write(path, torch.tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 3, 4));
        // np.save(f, np.arange(1, 13, dtype=np.float32).reshape(3, 4)) with numpy >= 1.24: 20 spare spaces after the dict.
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        string expected = "\x93NUMPY\x01\x00\x76\x00" + dict + new string(' ', 118 - dict.Length - 1) + "\n";
        Assert.Equal(expected, Encoding.Latin1.GetString(File.ReadAllBytes(path), 0, 128));
    }

    [Fact]
    public void Reads_hand_built_numpy_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("hand.npy");
        File.WriteAllBytes(path, Build("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", Doubles(1, 2, 3, 4, 5, 6.5)));
        using var t = Npy.Read(path);
        Assert.Equal(torch.ScalarType.Float64, t.dtype);
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal([1, 2, 3, 4, 5, 6.5], t.data<double>().ToArray());
    }

    [Theory]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 1)]
    [InlineData("{\"shape\":(3,),\"descr\":\"<i8\",\"fortran_order\":False}", 1)]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (3L,), }", 1)]
    [InlineData("{'descr': '=i8', 'fortran_order': False, 'shape': ( 3 , ) }", 2)]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 3)]
    public void Reads_header_variants_and_versions(string dict, int major)
    {
        using var folder = new TempFolder();
        string path = folder.File("v.npy");
        File.WriteAllBytes(path, Build(dict, new long[] { -1, 0, long.MaxValue }.SelectMany(BitConverter.GetBytes).ToArray(), major, align: 16));
        using var t = Npy.Read(path);
        Assert.Equal([-1L, 0, long.MaxValue], t.data<long>().ToArray());
    }

    [Fact]
    public void Fortran_order_is_read_as_row_major_tensor_with_same_values()
    {
        using var folder = new TempFolder();
        string path = folder.File("f.npy");
        // Column-major bytes of [[1, 2, 3], [4, 5, 6]].
        File.WriteAllBytes(path, Build("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", Doubles(1, 4, 2, 5, 3, 6)));
        using var t = Npy.Read(path);
        Assert.Equal([2L, 3L], t.shape);
        Assert.True(t.is_contiguous());
        Assert.Equal([1.0, 2, 3, 4, 5, 6], t.data<double>().ToArray());
    }

    [Fact]
    public void Fortran_order_three_dimensional()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("f3.npy");
        var expected = torch.arange(24, torch.ScalarType.Float64).reshape(2, 3, 4);
        // Fortran bytes are the C bytes of the transpose (all axes reversed).
        byte[] data = expected.permute(2, 1, 0).contiguous().bytes.ToArray();
        File.WriteAllBytes(path, Build("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", data));
        SafetensorsWriterTests.AssertSameTensor(expected, Npy.Read(path));
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "bad magic", Encoding.ASCII.GetBytes("PK\x03\x04 this is a zip file"), "x.npy: file does not start with the .npy magic \\x93NUMPY (found 504B03042074)" },
        { "too short", [0x93, (byte)'N'], "x.npy: file is 2 bytes, too short for a .npy preamble" },
        { "version 4", Patch(Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", Doubles(1)), 6, 4), "x.npy: unsupported .npy format version 4.0; expected 1.0, 2.0 or 3.0" },
        { "header length past end", Patch(Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", []), 8, 0xFF), "x.npy: header length 255 is past the end of the file (118 bytes follow the length field)" },
        { "truncated data", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", Doubles(1, 2, 3, 4, 5)),
            "x.npy: shape (2, 3) with dtype '<f8' needs 48 data bytes, but the file has 40 after the header; it is truncated" },
        { "trailing data", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", Doubles(1, 2)),
            "x.npy: shape (1,) with dtype '<f8' needs 8 data bytes, but the file has 16 after the header" },
        { "big endian", Build("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]), "x.npy: dtype '>f4' is big-endian, which is not supported" },
        { "complex", Build("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "x.npy: dtype '<c8' is not supported; expected one of <f2, <f4, <f8, |i1, <i2, <i4, <i8, |u1, |b1" },
        { "unicode strings", Build("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", new byte[20]), "x.npy: dtype '<U5' is not supported" },
        { "structured", Build("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]), "x.npy: expected a quoted string at character 10 of the header" },
        { "int not tuple", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1), }", Doubles(1)), "x.npy: 'shape' is (1), which is an int in Python, not a tuple; expected (1,)" },
        { "list shape", Build("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }", Doubles(1)), "x.npy: expected '(' at character" },
        { "negative dim", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", Doubles(1)), "x.npy: 'shape' dimension 0 is negative" },
        { "missing key", Build("{'descr': '<f8', 'shape': (1,), }", Doubles(1)), "x.npy: header has no 'fortran_order' key" },
        { "extra key", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", Doubles(1)), "x.npy: header has unexpected key 'x'" },
        { "bad fortran", Build("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", Doubles(1)), "x.npy: 'fortran_order' must be True or False" },
        { "unterminated", Build("{'descr': '<f8", []), "x.npy: unterminated string" },
        { "garbage after", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } x", Doubles(1)), "x.npy: unexpected text after the dictionary" },
        { "dim overflow", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", []), "x.npy: 'shape' dimension 0 (99999999999999999999) does not fit in 64 bits" },
        { "count overflow", Build("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", []), "x.npy: shape (4294967296, 4294967296) has too many elements" },
        { "bool byte", Build("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", [1, 2]), "x.npy: bool element 1 is byte 0x02, expected 0 or 1" },
    };

    private static byte[] Patch(byte[] bytes, int at, byte value)
    {
        bytes[at] = value;
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_files_give_clear_errors(string _, byte[] bytes, string message)
    {
        using var folder = new TempFolder();
        string path = folder.File("x.npy");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<TensorFileException>(() => Npy.Read(path).Dispose());
        Assert.StartsWith(message, error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Bfloat16_cannot_be_written()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        var error = Assert.Throws<ArgumentException>(() => Npy.Write(folder.File("b.npy"), torch.ones(2, torch.ScalarType.BFloat16)));
        Assert.Contains("BFloat16", error.Message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Non_contiguous_tensor_is_written_in_row_major_order()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("t.npy");
        var transposed = torch.arange(6, torch.ScalarType.Int64).reshape(2, 3).t();
        Npy.Write(path, transposed);
        SafetensorsWriterTests.AssertSameTensor(transposed, Npy.Read(path));
    }
}
