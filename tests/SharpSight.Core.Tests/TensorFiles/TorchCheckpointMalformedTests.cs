using System.Text;
using SharpSight.Core.TensorFiles;
using static SharpSight.Core.Tests.TensorFiles.RawTorchCheckpoint;

namespace SharpSight.Core.Tests.TensorFiles;

/// <summary>Every malformed or unsupported checkpoint fails with a one-line TensorFileException naming the file and the problem.</summary>
public class TorchCheckpointMalformedTests
{
    private static TensorSpec W(long numel = 2, long offset = 0, long[]? size = null, long[]? stride = null, string key = "0", string storage = "FloatStorage") =>
        new("w", key, numel, offset, size ?? [numel], stride ?? [1], storage);

    private static byte[] WithW(TensorSpec spec, byte[]? data) =>
        data is null ? Checkpoint(StateDict(spec)) : Checkpoint(StateDict(spec), (spec.Key, data));

    private static byte[] PickleOnly(Pickle pickle) => Checkpoint(pickle.ToArray());

    private static Pickle P(int protocol = 2) => new Pickle().Proto(protocol);

    private static byte[] Nested(int depth)
    {
        Pickle p = P();
        for (int i = 0; i < depth; i++) p.EmptyList();
        for (int i = 1; i < depth; i++) p.Append();
        return PickleOnly(p.Stop());
    }

    private static Pickle ShortStr(Pickle p, string text) => p.Raw(0x8c, (byte)text.Length).Raw(Encoding.UTF8.GetBytes(text));

    private static readonly Dictionary<string, (Func<byte[]> Bytes, string Message)> Cases = new()
    {
        // The file and the zip archive.
        ["empty file"] = (() => [], "bad.pt: file is empty"),
        ["garbage bytes"] = (() => "hello world"u8.ToArray(), "bad.pt: file starts with 68656C6C, not a zip signature (504B); a torch.save checkpoint is a zip archive"),
        ["truncated zip"] = (() => File.ReadAllBytes(FixturePath("mixed.pt"))[..3000], "bad.pt: is not a valid zip archive: "),
        ["zip signature then zeros"] = (() => [(byte)'P', (byte)'K', 3, 4, .. new byte[100]], "bad.pt: is not a valid zip archive: "),
        ["empty zip"] = (() => Zip([]), "bad.pt: archive has no data.pkl record (it is empty); it is not a torch.save checkpoint"),
        ["missing data.pkl"] = (() => Zip([("archive/version", "3\n"u8.ToArray()), ("archive/data/0", new byte[8])]),
            "bad.pt: archive has no data.pkl record (it has 2 records, e.g. 'archive/version', 'archive/data/0'); it is not a torch.save checkpoint"),
        ["data.pkl two folders deep"] = (() => Zip([("a/b/data.pkl", StateDict())]), "bad.pt: archive has no data.pkl record"),
        ["two data.pkl records"] = (() => Zip([("a/data.pkl", StateDict()), ("b/data.pkl", StateDict())]),
            "bad.pt: archive has several data.pkl records ('a/data.pkl', 'b/data.pkl'); expected one"),
        ["TorchScript archive"] = (() => Zip([("m/data.pkl", StateDict()), ("m/constants.pkl", StateDict()), ("m/code/m.py", [])]),
            "bad.pt: archive is a TorchScript model (torch.jit.save), not a torch.save checkpoint"),
        ["record claims more than compression can produce"] = (() => ClaimSizes(Checkpoint(StateDict()), "archive/data.pkl", uncompressed: 0x7FFFFFF0),
            "bad.pt: record 'archive/data.pkl' claims 2147483632 bytes from 6 compressed bytes, more than compression can produce"),
        ["record claims more compressed bytes than the file"] = (() => ClaimSizes(Checkpoint(StateDict()), "archive/data.pkl", compressed: 0x7FFFFFF0, uncompressed: 0x7FFFFFF0),
            "bad.pt: record 'archive/data.pkl' claims 2147483632 compressed bytes, more than the whole file"),
        ["big-endian byteorder"] = (() => Zip([("archive/data.pkl", StateDict()), ("archive/byteorder", "big"u8.ToArray())]),
            "bad.pt: record 'archive/byteorder' says the storages are big-endian, which is not supported"),
        ["unknown byteorder"] = (() => Zip([("archive/data.pkl", StateDict()), ("archive/byteorder", "middle"u8.ToArray())]),
            "bad.pt: record 'archive/byteorder' is 'middle', expected 'little' or 'big'"),

        // Storages and tensor views.
        ["missing storage record"] = (() => WithW(W(), null), "bad.pt: archive/data.pkl byte 97: storage '0' has no record 'archive/data/0' in the archive"),
        ["storage record too short"] = (() => WithW(W(numel: 2), Floats(1)),
            "storage '0' record 'archive/data/0' has 4 bytes, but 2 float32 elements need 8"),
        ["storage record too long"] = (() => WithW(W(numel: 1), Floats(1, 2)), "storage '0' record 'archive/data/0' has 8 bytes, but 1 float32 elements need 4"),
        ["view past the end of storage"] = (() => WithW(W(numel: 4, size: [5]), Floats(1, 2, 3, 4)),
            "tensor view (offset 0, size [5], stride [1]) reaches element 4, past the end of storage '0' (4 float32 elements)"),
        ["offset and strides past the end"] = (() => WithW(W(numel: 4, offset: 2, size: [2, 2], stride: [2, 1]), Floats(1, 2, 3, 4)),
            "tensor view (offset 2, size [2, 2], stride [2, 1]) reaches element 5, past the end of storage '0' (4 float32 elements)"),
        ["empty view past the end"] = (() => WithW(W(numel: 1, offset: 2, size: [0]), Floats(1)), "tensor view (offset 2, size [0], stride [1]) starts past the end of storage '0'"),
        ["negative offset"] = (() => WithW(W(offset: -1), Floats(1, 2)), "tensor storage offset is -1, expected a non-negative int"),
        ["negative size"] = (() => WithW(W(size: [-2]), Floats(1, 2)), "tensor size[0] is -2, expected a non-negative int"),
        ["negative stride"] = (() => WithW(W(stride: [-1]), Floats(1, 2)), "tensor stride[0] is -1, expected a non-negative int"),
        ["size and stride lengths differ"] = (() => WithW(W(size: [2], stride: [1, 1]), Floats(1, 2)), "tensor size [2] and stride [1, 1] have different lengths"),
        ["element count overflow"] = (() => WithW(W(size: [int.MaxValue, int.MaxValue, int.MaxValue], stride: [0, 0, 0]), Floats(1, 2)),
            "tensor size [2147483647, 2147483647, 2147483647] has too many elements (the count overflows 64 bits)"),
        ["large strides past the end"] = (() => WithW(W(size: [2, 2], stride: [int.MaxValue, int.MaxValue]), Floats(1, 2)),
            "reaches element 4294967294, past the end of storage '0' (2 float32 elements)"),
        ["bool byte other than 0 or 1"] = (() => WithW(W(numel: 2, storage: "BoolStorage"), [1, 7]),
            "bad.pt: record 'archive/data/0' has bool byte 0x07 at element 1, expected 0 or 1"),
        ["same storage as two types"] = (() => Checkpoint(StateDict(W(), W(storage: "LongStorage") with { Name = "v" }), ("0", new byte[8])),
            "storage '0' is named as 2 int64 elements, but earlier as 2 float32 elements"),
        ["unsupported storage class"] = (() => WithW(W(storage: "QInt8Storage"), new byte[2]),
            "storage type 'torch.QInt8Storage' is not supported; expected one of FloatStorage, DoubleStorage, HalfStorage, BFloat16Storage"),
        ["storage type not a storage class"] = (() => PickleOnly(P().Mark().Str("storage").Global("collections", "OrderedDict").Str("0").Str("cpu").Int(1).Tuple().BinPersId().Stop()),
            "persistent id storage type is the global 'collections.OrderedDict', expected a torch storage class such as torch.FloatStorage"),
        ["persistent id not a tuple"] = (() => PickleOnly(P().Str("x").BinPersId().Stop()),
            "persistent id is the str 'x', expected ('storage', storage_type, key, location, numel)"),
        ["persistent id of another kind"] = (() => PickleOnly(P().Mark().Str("module").Str("a").Str("b").Str("c").Int(1).Tuple().BinPersId().Stop()),
            "persistent id kind is 'module', expected 'storage'"),
        ["negative element count"] = (() => PickleOnly(P().Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(-1).Tuple().BinPersId().Stop()),
            "storage '0' has element count -1, expected a non-negative int"),
        ["bare storage as a value"] = (() => Checkpoint(P().EmptyDict().Str("w").Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(1).Tuple().BinPersId().SetItem().Stop().ToArray(), ("0", Floats(1))),
            "bad.pt: entry 'w' is storage '0', which is neither a tensor nor a plain value"),
        ["tensor rebuilt from a str"] = (() => PickleOnly(P().Global("torch._utils", "_rebuild_tensor").Mark().Str("s").Int(0).Ints([1]).Ints([1]).Tuple().Reduce().Stop()),
            "tensor is rebuilt from the str 's', expected a storage"),
        ["wrong argument count"] = (() => PickleOnly(P().Global("torch._utils", "_rebuild_tensor_v2").Mark().Int(0).Tuple().Reduce().Stop()),
            "torch._utils._rebuild_tensor_v2 is called with 1 arguments, expected 6 or 7"),

        // Globals: only the allowed ones, and never called unless they build data.
        ["forbidden global os.system"] = (() => PickleOnly(P().Global("os", "system").Str("echo pwned").Raw(0x85).Reduce().Stop()),
            "bad.pt: archive/data.pkl byte 2: refusing to construct global 'os.system'; only collections.OrderedDict, torch._utils tensor and parameter rebuilders, torch storage classes and dtypes are allowed"),
        ["forbidden STACK_GLOBAL builtins.eval"] = (() => PickleOnly(ShortStr(ShortStr(P(4), "builtins"), "eval").Raw(0x93).Stop()),
            "archive/data.pkl byte 18: refusing to construct global 'builtins.eval'"),
        ["torch function not on the list"] = (() => PickleOnly(P().Global("torch", "load").Stop()), "refusing to construct global 'torch.load'"),
        ["quantized tensors are not supported"] = (() => PickleOnly(P().Global("torch._utils", "_rebuild_qtensor").Stop()), "refusing to construct global 'torch._utils._rebuild_qtensor'"),
        ["storage class called"] = (() => PickleOnly(P().Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop()),
            "the global 'torch.FloatStorage' cannot be called; it may only name a storage type in a persistent id"),
        ["calling a str"] = (() => PickleOnly(P().Str("os.system").EmptyTuple().Reduce().Stop()), "REDUCE calls the str 'os.system', which is not callable"),
        ["NEWOBJ of a storage class"] = (() => PickleOnly(P().Global("torch", "FloatStorage").EmptyTuple().Raw(0x81).Stop()),
            "NEWOBJ of the global 'torch.FloatStorage' is not supported"),
        ["INST opcode"] = (() => PickleOnly(P().Mark().Op('i').Raw("os\nsystem\n"u8.ToArray()).Stop()), "pickle opcode INST (0x69) is not supported in a torch checkpoint"),
        ["newline in global name stays one line"] = (() => PickleOnly(ShortStr(ShortStr(P(4), "os\nx"), "system").Raw(0x93).Stop()), "refusing to construct global 'os\\u000Ax.system'"),

        // The pickle machine.
        ["pickle without STOP"] = (() => PickleOnly(P().EmptyDict()), "bad.pt: archive/data.pkl byte 3: the pickle ends without a STOP opcode; it is truncated"),
        ["empty pickle"] = (() => Checkpoint([]), "archive/data.pkl byte 0: the pickle ends without a STOP opcode; it is truncated"),
        ["truncated string"] = (() => PickleOnly(P().Op('X').Raw(100, 0, 0, 0).Raw("ab"u8.ToArray())), "archive/data.pkl byte 2: BINUNICODE has length 100, but only 2 bytes are left; it is truncated"),
        ["truncated int"] = (() => PickleOnly(P().Op('J').Raw(1, 2)), "the pickle ends inside BININT (4 bytes needed, 2 left); it is truncated"),
        ["truncated GLOBAL"] = (() => PickleOnly(P().Op('c').Raw("collections"u8.ToArray())), "the pickle ends inside GLOBAL (no end of line); it is truncated"),
        ["invalid UTF-8 string"] = (() => PickleOnly(P().Op('X').Raw(1, 0, 0, 0, 0xFF).Stop()), "str is not valid UTF-8"),
        ["protocol 6"] = (() => PickleOnly(P(6).Stop()), "pickle protocol 6 is not supported; expected 2 to 5"),
        ["stack underflow"] = (() => PickleOnly(P().Reduce()), "REDUCE needs an object on the stack, but it is empty"),
        ["pop past a mark"] = (() => PickleOnly(P().None().Mark().Append()), "APPEND needs an object on the stack, but it is empty"),
        ["tuple without mark"] = (() => PickleOnly(P().None().Tuple()), "TUPLE needs a MARK, but there is none"),
        ["TUPLE3 short"] = (() => PickleOnly(P().None().Raw(0x87)), "TUPLE3 needs 3 objects on the stack, but it has 1"),
        ["memo entry never stored"] = (() => PickleOnly(P().Get(5).Stop()), "BINGET reads memo entry 5, which was never stored"),
        ["append to a dict"] = (() => PickleOnly(P().EmptyDict().None().Append().Stop()), "APPEND onto a dict, expected a list"),
        ["dict key a list"] = (() => PickleOnly(P().EmptyDict().EmptyList().None().SetItem().Stop()), "dict key a list is not supported; keys must be str, int or bool"),
        ["odd SETITEMS"] = (() => PickleOnly(P().EmptyDict().Mark().None().SetItems().Stop()), "SETITEMS has 1 objects after its MARK, expected key and value pairs"),
        ["BUILD on a list"] = (() => PickleOnly(P().EmptyList().None().Op('b').Stop()), "BUILD with None on a list is not supported"),
        ["huge LONG4"] = (() => PickleOnly(P().Raw(0x8b, 0xD0, 0x07, 0, 0).Raw(new byte[2000]).Stop()), "int of 2000 bytes is longer than the limit of 1024"),

        // The object tree.
        ["list containing itself"] = (() => PickleOnly(P().EmptyList().Put(0).Get(0).Append().Stop()), "bad.pt: entry '0' refers back to a container that holds it (a reference cycle)"),
        ["dict containing itself"] = (() => PickleOnly(P().EmptyDict().Put(0).Str("a").Get(0).SetItem().Stop()), "bad.pt: entry 'a' refers back to a container that holds it (a reference cycle)"),
        ["nesting too deep"] = (() => Nested(150), "is nested more than 100 levels deep"),
        ["shared references explode"] = (() => Doubling(40), "the object graph expands to more than"),
        ["name twice"] = (() => Checkpoint(P().EmptyDict().Str("a.b").Int(1).SetItem().Str("a").EmptyDict().Str("b").Int(2).SetItem().SetItem().Stop().ToArray()),
            "bad.pt: name 'a.b' occurs twice (nested keys flatten to the same dotted name)"),
        ["global as a value"] = (() => PickleOnly(P().EmptyDict().Str("f").Global("torch", "FloatStorage").SetItem().Stop()),
            "bad.pt: entry 'f' is the global 'torch.FloatStorage', which is neither a tensor nor a plain value"),
    };

    // [x, x] where x = [y, y] ...: 2^depth leaves from a pickle of a few hundred bytes.
    private static byte[] Doubling(int depth)
    {
        Pickle p = P().None();
        for (int i = 0; i < depth; i++) p.Put(0).Get(0).Raw(0x86); // TUPLE2 of the previous object twice.
        return PickleOnly(p.Stop());
    }

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_checkpoint_fails_with_clear_message(string name)
    {
        (Func<byte[]> bytes, string message) = Cases[name];
        using var folder = new TempFolder();
        string path = folder.File("bad.pt");
        File.WriteAllBytes(path, bytes());

        var error = Assert.Throws<TensorFileException>(() => TorchCheckpoint.ReadContents(path).Dispose());
        if (message.StartsWith("bad.pt: ", StringComparison.Ordinal)) Assert.StartsWith(message, error.Message);
        else Assert.Contains(message, error.Message);
        Assert.StartsWith("bad.pt: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Missing_file_and_folder_are_tensor_file_errors()
    {
        using var folder = new TempFolder();
        var missing = Assert.Throws<TensorFileException>(() => TorchCheckpoint.Read(folder.File("none.pt")));
        Assert.StartsWith("none.pt: file does not exist", missing.Message);
        var isFolder = Assert.Throws<TensorFileException>(() => TorchCheckpoint.Read(folder.Path));
        Assert.EndsWith($"is a folder, not a file ({folder.Path})", isFolder.Message);
    }
}
