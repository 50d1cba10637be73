using System.Buffers.Binary;
using SharpSight.Core.TensorFiles;
using TorchSharp;
using static SharpSight.Core.Tests.TensorFiles.RawSafetensors;

namespace SharpSight.Core.Tests.TensorFiles;

/// <summary>Every malformed file fails on Open with a one-line TensorFileException naming the file and the problem.</summary>
public class SafetensorsMalformedTests
{
    private const string W = "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private static readonly Dictionary<string, (Func<byte[]> Bytes, string Message)> Cases = new()
    {
        ["empty file"] = (() => [], "bad.safetensors: file is 0 bytes, too short for the 8-byte header length"),
        ["truncated length field"] = (() => [1, 0, 0, 0, 0], "bad.safetensors: file is 5 bytes, too short for the 8-byte header length"),
        ["header length zero"] = (() => Build("", 0), "bad.safetensors: header length is 0"),
        ["header length past end"] = (() => Build("{" + W + "}", new byte[8], headerLength: 1000),
            "bad.safetensors: header length 1000 is past the end of the file (62 bytes follow the length field)"),
        ["header length huge"] = (() => Build("{}", [], ulong.MaxValue),
            "bad.safetensors: header length 18446744073709551615 exceeds the limit of 100000000 bytes"),
        ["truncated inside header"] = (() => Build("{" + W + "}", 8)[..30], "bad.safetensors: header length 54 is past the end of the file (22 bytes follow the length field)"),
        ["invalid json"] = (() => Build("{\"w\":{\"dtype\":\"F32\",}", 0), "bad.safetensors: header is not valid JSON:"),
        ["trailing garbage after json"] = (() => Build("{} x", 0), "bad.safetensors: header is not valid JSON:"),
        ["invalid utf8"] = (() => Concat(Build("{\"\"}", 0)[..9], [0xFF, 0xFE, (byte)'}']) is var b ? Fix(b) : b, "bad.safetensors: header is not valid UTF-8"),
        ["header not an object"] = (() => Build("[1,2]", 0), "bad.safetensors: header is a JSON array, expected an object mapping tensor names to entries"),
        ["entry not an object"] = (() => Build("""{"w":3}""", 0), "bad.safetensors: tensor 'w' is a JSON number, expected an object with dtype, shape and data_offsets"),
        ["missing dtype"] = (() => Build("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' has no 'dtype' field"),
        ["missing shape"] = (() => Build("""{"w":{"dtype":"F32","data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' has no 'shape' field"),
        ["missing offsets"] = (() => Build("""{"w":{"dtype":"F32","shape":[2]}}""", 8), "bad.safetensors: tensor 'w' has no 'data_offsets' field"),
        ["dtype not a string"] = (() => Build("""{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' field 'dtype' is a JSON number, expected a string"),
        ["unknown dtype"] = (() => Build("""{"h.0.attn.c_attn.weight":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", 8),
            "bad.safetensors: tensor 'h.0.attn.c_attn.weight' has dtype 'Q4', expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL"),
        ["lowercase dtype"] = (() => Build("""{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' has dtype 'f32', expected one of"),
        ["shape not an array"] = (() => Build("""{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' field 'shape' is a JSON number, expected an array of non-negative integers"),
        ["negative dim"] = (() => Build("""{"w":{"dtype":"F32","shape":[2,-3],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' shape[1] is -3, expected a non-negative integer"),
        ["fractional dim"] = (() => Build("""{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' shape[0] is 1.5, expected a non-negative integer"),
        ["string dim"] = (() => Build("""{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' shape[0] is \"2\", expected a non-negative integer"),
        ["dim beyond int64"] = (() => Build("""{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' shape[0] is 99999999999999999999, expected a non-negative integer"),
        ["element count overflow"] = (() => Build("""{"w":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}""", 0),
            "bad.safetensors: tensor 'w' shape [4294967296, 4294967296, 0] has too many elements (the count overflows 64 bits)"),
        ["byte count overflow"] = (() => Build("""{"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}}""", 8),
            "bad.safetensors: tensor 'w' shape [4611686018427387904] with dtype F64 has too many bytes (the size overflows 64 bits)"),
        ["one offset"] = (() => Build("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", 8), "bad.safetensors: tensor 'w' data_offsets is [0], expected [begin, end] with two non-negative integers"),
        ["negative offset"] = (() => Build("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}""", 8), "bad.safetensors: tensor 'w' data_offsets is [-8,0], expected [begin, end] with two non-negative integers"),
        ["begin after end"] = (() => Build("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8), "bad.safetensors: tensor 'w' data_offsets [8, 0] has begin after end"),
        ["shape disagrees with byte count"] = (() => Build("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8),
            "bad.safetensors: tensor 'w' data_offsets [0, 8] span 8 bytes, but shape [3] with dtype F32 needs 12 bytes"),
        ["truncated data section"] = (() => Build("{" + W + "}", 4), "bad.safetensors: tensor 'w' data_offsets end 8 is past the end of the data section (4 bytes)"),
        ["offsets past end"] = (() => Build("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8),
            "bad.safetensors: tensor 'w' data_offsets end 16 is past the end of the data section (8 bytes)"),
        ["overlapping tensors"] = (() => Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12),
            "bad.safetensors: tensor 'b' bytes 4..12 overlap tensor 'a' bytes 0..8"),
        ["same offsets twice"] = (() => Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}""", 8),
            "bad.safetensors: tensor 'b' bytes 0..8 overlap tensor 'a' bytes 0..8"),
        ["hole between tensors"] = (() => Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12),
            "bad.safetensors: data bytes 4..8 are not covered by any tensor"),
        ["hole at start"] = (() => Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8), "bad.safetensors: data bytes 0..4 are not covered by any tensor"),
        ["bytes after last tensor"] = (() => Build("{" + W + "}", 12), "bad.safetensors: data bytes 8..12 are not covered by any tensor"),
        ["data but no tensors"] = (() => Build("{}", 4), "bad.safetensors: data bytes 0..4 are not covered by any tensor"),
        ["metadata not an object"] = (() => Build("""{"__metadata__":"x"}""", 0), "bad.safetensors: '__metadata__' is a JSON string, expected an object of strings"),
        ["metadata value not a string"] = (() => Build("""{"__metadata__":{"k":1}}""", 0), "bad.safetensors: '__metadata__' value for 'k' is a JSON number, expected a string"),
        ["duplicate tensor"] = (() => Build("{" + W + "," + W + "}", 8), "bad.safetensors: header has key 'w' twice"),
        ["duplicate field"] = (() => Build("""{"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8), "bad.safetensors: tensor 'w' has field 'dtype' twice"),
        ["newline in name stays one line"] = (() => Build("""{"a\nb":{"dtype":"X","shape":[],"data_offsets":[0,0]}}""", 0), "bad.safetensors: tensor 'a\\u000Ab' has dtype 'X'"),
    };

    // Replaces the header length of a hand-spliced file with its real length.
    private static byte[] Fix(byte[] file)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(file.Length - 8));
        return file;
    }

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_file_fails_on_open_with_clear_message(string name)
    {
        (Func<byte[]> bytes, string message) = Cases[name];
        using var folder = new TempFolder();
        string path = folder.File("bad.safetensors");
        File.WriteAllBytes(path, bytes());

        var error = Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Missing_file_is_a_tensor_file_error()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(folder.File("none.safetensors")));
        Assert.StartsWith("none.safetensors: file does not exist", error.Message);
    }

    [Fact]
    public void Folder_instead_of_file_is_a_tensor_file_error()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(folder.Path));
        Assert.Equal(folder.Path, error.FilePath);
        Assert.Equal($"{Path.GetFileName(folder.Path)}: is a folder, not a file ({folder.Path})", error.Message);
    }

    [Fact]
    public void Bool_byte_other_than_zero_or_one_fails_on_read()
    {
        using var folder = new TempFolder();
        string path = folder.File("bool.safetensors");
        File.WriteAllBytes(path, Build("""{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}""", [1, 0, 7]));
        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<TensorFileException>(() => file.Read("m"));
        Assert.Equal("bool.safetensors: tensor 'm' has BOOL byte 0x07 at element 2, expected 0 or 1", error.Message);
    }

    [Fact]
    public void File_truncated_after_open_fails_on_read()
    {
        using var folder = new TempFolder();
        string path = folder.File("shrunk.safetensors");
        byte[] bytes = Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", Floats(1, 2, 3, 4));
        File.WriteAllBytes(path, bytes);
        using var file = SafetensorsFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) stream.SetLength(bytes.Length - 4);

        var error = Assert.Throws<TensorFileException>(() => file.Read("b"));
        Assert.Equal($"shrunk.safetensors: file is now {bytes.Length - 4} bytes but was {bytes.Length} bytes when opened; it changed while open, so tensor 'b' cannot be read", error.Message);
    }

    [Fact]
    public void Read_after_dispose_throws_object_disposed()
    {
        using var folder = new TempFolder();
        string path = folder.File("d.safetensors");
        File.WriteAllBytes(path, Build("{" + W + "}", 8));
        var file = SafetensorsFile.Open(path);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Read("w"));
    }
}
