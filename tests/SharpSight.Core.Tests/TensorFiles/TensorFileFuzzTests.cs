using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using SharpSight.Core.TensorFiles;
using TorchSharp;

namespace SharpSight.Core.Tests.TensorFiles;

/// <summary>
/// Seeded random corruption: every Open and Read either succeeds or throws TensorFileException,
/// never another exception, a hang or a crash.
/// </summary>
public class TensorFileFuzzTests
{
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"", ",", ":", " ", "null", "true", "-1", "0", "1.5", "1e999", "-0",
        "18446744073709551616", "9223372036854775807", "\"F32\"", "\"BOOL\"", "\"Q4\"", "[0,0]", "[]", "{}",
        "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\\u0000", "\\ud800", "\u00e9",
        """{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", "\"x\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]},",
        new string('[', 200) + new string(']', 200),
    ];

    private static readonly string[] DTypeNames = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "f32", ""];

    private static byte[] ValidSafetensors(int seed)
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("base.safetensors");
        var tensors = new List<KeyValuePair<string, torch.Tensor>>
        {
            KeyValuePair.Create("a.weight", SafetensorsWriterTests.Sample(torch.ScalarType.Float32, [2, 3], seed)),
            KeyValuePair.Create("b", SafetensorsWriterTests.Sample(torch.ScalarType.BFloat16, [4], seed)),
            KeyValuePair.Create("mask", SafetensorsWriterTests.Sample(torch.ScalarType.Bool, [5], seed)),
            KeyValuePair.Create("empty", SafetensorsWriterTests.Sample(torch.ScalarType.Int64, [0, 2], seed)),
            KeyValuePair.Create("s", SafetensorsWriterTests.Sample(torch.ScalarType.Float64, [], seed)),
        };
        SafetensorsWriter.Write(path, tensors.Take(2 + seed % 4), new Dictionary<string, string> { ["format"] = "pt" });
        return File.ReadAllBytes(path);
    }

    private static byte[] Mutate(byte[] original, Random random, out string description)
    {
        var bytes = (byte[])original.Clone();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        switch (random.Next(7))
        {
            case 0:
            {
                int flips = random.Next(1, 5);
                for (int i = 0; i < flips; i++) bytes[random.Next(8, headerEnd)] ^= (byte)random.Next(1, 256);
                description = $"flip {flips} header bytes";
                return bytes;
            }
            case 1:
            {
                int at = random.Next(8);
                bytes[at] = (byte)random.Next(256);
                if (random.Next(2) == 0) BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)random.NextInt64(0, headerEnd * 2L));
                description = "corrupt length field";
                return bytes;
            }
            case 2:
            {
                int keep = random.Next(bytes.Length);
                description = $"truncate to {keep}";
                return bytes[..keep];
            }
            case 3:
            {
                string header = Encoding.UTF8.GetString(bytes, 8, headerEnd - 8);
                int at = random.Next(header.Length + 1);
                string spliced = header[..at] + Fragments[random.Next(Fragments.Length)] + header[at..];
                if (random.Next(3) == 0) spliced = spliced.Remove(random.Next(spliced.Length), 1);
                description = $"splice at {at}";
                return Assemble(spliced, bytes[headerEnd..], fixLength: random.Next(4) != 0, random);
            }
            case 4:
            {
                // Change a number: shapes and offsets are where the interesting checks are.
                string header = Encoding.UTF8.GetString(bytes, 8, headerEnd - 8);
                int[] digits = Enumerable.Range(0, header.Length).Where(i => char.IsAsciiDigit(header[i])).ToArray();
                int at = digits[random.Next(digits.Length)];
                string replacement = random.Next(3) switch
                {
                    0 => random.Next(10).ToString(),
                    1 => random.NextInt64().ToString(),
                    _ => "-" + random.Next(100),
                };
                description = $"number at {at} -> {replacement}";
                return Assemble(header[..at] + replacement + header[(at + 1)..], bytes[headerEnd..], fixLength: true, random);
            }
            case 5:
            {
                description = "random header";
                return RandomFile(random);
            }
            default:
            {
                int at = random.Next(bytes.Length);
                bytes[at] ^= (byte)random.Next(1, 256);
                description = $"flip byte {at}";
                return bytes;
            }
        }
    }

    private static byte[] Assemble(string header, byte[] data, bool fixLength, Random random)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        ulong length = fixLength ? (ulong)json.Length : (ulong)Math.Max(0, json.Length + random.Next(-3, 4));
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    // A structurally plausible header with random dtypes, shapes and offsets, often consistent enough to read.
    private static byte[] RandomFile(Random random)
    {
        var parts = new List<string>();
        long offset = 0;
        int count = random.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            string dtype = DTypeNames[random.Next(random.Next(4) == 0 ? DTypeNames.Length : 10)];
            long[] shape = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (long)random.Next(0, 4)).ToArray();
            if (random.Next(20) == 0) shape = [1L << 40, 1L << 40];
            long elements = shape.Aggregate(1L, (a, b) => unchecked(a * b));
            long size = SafetensorsDTypes.TryParse(dtype, out SafetensorsDType t) ? unchecked(elements * t.ElementSize()) : 4;
            long begin = random.Next(10) == 0 ? offset + random.Next(-4, 5) : offset;
            long end = random.Next(10) == 0 ? begin + random.Next(-4, 9) : begin + size;
            parts.Add($$"""
                "t{{i}}":{"dtype":"{{dtype}}","shape":[{{string.Join(",", shape)}}],"data_offsets":[{{begin}},{{end}}]}
                """);
            offset = Math.Max(offset, end);
        }
        if (random.Next(3) == 0) parts.Insert(0, """ "__metadata__":{"k":"v"} """);
        string header = "{" + string.Join(",", parts) + "}" + new string(' ', random.Next(8));
        var data = new byte[Math.Clamp(offset + (random.Next(8) == 0 ? random.Next(-2, 3) : 0), 0, 4096)];
        random.NextBytes(data);
        if (random.Next(2) == 0) for (int i = 0; i < data.Length; i++) data[i] &= 1; // Valid BOOL bytes.
        return Assemble(header, data, fixLength: true, random);
    }

    private static void OpenAndReadAll(string path)
    {
        using var file = SafetensorsFile.Open(path);
        foreach (TensorEntry entry in file.Entries)
        {
            using var tensor = file.Read(entry.Name);
            Assert.Equal(entry.Shape, tensor.shape);
            if (entry.DType is SafetensorsDType.BF16 or SafetensorsDType.F16)
            {
                using var converted = file.Read(entry.Name, torch.ScalarType.Float32);
            }
        }
    }

    [Fact]
    public void Corrupted_safetensors_files_open_or_fail_with_TensorFileException()
    {
        const int Iterations = 3000;
        var random = new Random(1234);
        byte[][] bases = Enumerable.Range(0, 4).Select(ValidSafetensors).ToArray();
        using var folder = new TempFolder();
        string path = folder.File("fuzz.safetensors");
        int opened = 0, rejected = 0;
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < Iterations; i++)
        {
            byte[] bytes = Mutate(bases[random.Next(bases.Length)], random, out string description);
            File.WriteAllBytes(path, bytes);
            try
            {
                OpenAndReadAll(path);
                opened++;
            }
            catch (TensorFileException error)
            {
                Assert.DoesNotContain('\n', error.Message);
                Assert.StartsWith("fuzz.safetensors: ", error.Message);
                rejected++;
            }
            catch (Exception error)
            {
                Assert.Fail($"iteration {i} ({description}) threw {error.GetType().Name}: {error.Message}\nfile: {Convert.ToBase64String(bytes)}");
            }
        }

        Assert.True(opened > 100, $"only {opened} corrupted files opened; the fuzzer is not reaching the read path");
        Assert.True(rejected > 1000, $"only {rejected} corrupted files rejected");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"fuzzing took {clock.Elapsed}");
    }

    [Fact]
    public void Corrupted_npy_files_read_or_fail_with_TensorFileException()
    {
        const int Iterations = 1500;
        var random = new Random(99);
        using var folder = new TempFolder();
        string path = folder.File("fuzz.npy");
        byte[][] bases =
        [
            NpyTests.Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24]),
            NpyTests.Build("{'descr': '|b1', 'fortran_order': True, 'shape': (2, 2), }", [1, 0, 0, 1]),
            NpyTests.Build("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[8], major: 2),
        ];
        string[] npyFragments = ["(", ")", ",", "'", "\"", ":", "{", "}", "True", "False", "-", "99999999999999999999", "L", "'shape': (1,)", "\n", "\u00ff"];
        int read = 0;

        for (int i = 0; i < Iterations; i++)
        {
            byte[] bytes = (byte[])bases[random.Next(bases.Length)].Clone();
            string description;
            switch (random.Next(4))
            {
                case 0:
                    int flips = random.Next(1, 4);
                    for (int f = 0; f < flips; f++) bytes[random.Next(Math.Min(bytes.Length, 80))] ^= (byte)random.Next(1, 256);
                    description = "flip";
                    break;
                case 1:
                    bytes = bytes[..random.Next(bytes.Length)];
                    description = "truncate";
                    break;
                case 2:
                    string text = Encoding.Latin1.GetString(bytes);
                    int at = random.Next(10, 70);
                    text = text[..at] + npyFragments[random.Next(npyFragments.Length)] + text[(at + 1)..];
                    bytes = Encoding.Latin1.GetBytes(text);
                    description = $"splice at {at}";
                    break;
                default:
                    bytes[random.Next(bytes.Length)] ^= 0x01;
                    description = "bit";
                    break;
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                using var tensor = Npy.Read(path);
                read++;
            }
            catch (TensorFileException)
            {
            }
            catch (Exception error)
            {
                Assert.Fail($"iteration {i} ({description}) threw {error.GetType().Name}: {error.Message}\nfile: {Convert.ToBase64String(bytes)}");
            }
        }
        Assert.True(read > 20, $"only {read} corrupted npy files were readable");
    }

    [Fact]
    public void Corrupted_index_files_open_or_fail_with_TensorFileException()
    {
        using var scope = torch.NewDisposeScope();
        using var folder = new TempFolder();
        SafetensorsWriter.WriteSharded(folder.Path, [
            KeyValuePair.Create("a", torch.ones(4)), KeyValuePair.Create("b", torch.zeros(4)), KeyValuePair.Create("c", torch.ones(2)),
        ], maxShardBytes: 16);
        string indexPath = folder.File("model.safetensors.index.json");
        string original = File.ReadAllText(indexPath);
        var random = new Random(7);

        for (int i = 0; i < 500; i++)
        {
            string text = original;
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(text.Length);
                text = random.Next(2) == 0
                    ? text.Remove(at, 1)
                    : text.Insert(at, Fragments[random.Next(Fragments.Length)]);
            }
            File.WriteAllText(indexPath, text);
            try
            {
                using var checkpoint = SafetensorsCheckpoint.Open(folder.Path);
                foreach (string name in checkpoint.Names) checkpoint.Read(name).Dispose();
            }
            catch (TensorFileException)
            {
            }
            catch (Exception error)
            {
                Assert.Fail($"iteration {i} threw {error.GetType().Name}: {error.Message}\nindex: {text}");
            }
        }
    }

    // Opcodes and arguments that torch.save pickles use, spliced into data.pkl to reach deeper paths.
    private static readonly byte[][] PickleFragments =
    [
        [(byte)'('], [(byte)'t'], [(byte)')'], [(byte)'}'], [(byte)']'], [(byte)'u'], [(byte)'s'], [(byte)'a'], [(byte)'e'],
        [(byte)'R'], [(byte)'Q'], [(byte)'b'], [(byte)'.'], [(byte)'0'], [(byte)'1'], [(byte)'2'], [0x85], [0x86], [0x87],
        [0x88], [0x89], [0x93], [0x94], [0x81], [(byte)'N'], [(byte)'h', 0], [(byte)'h', 3], [(byte)'q', 0], [(byte)'K', 0],
        [(byte)'K', 255], [(byte)'J', 255, 255, 255, 255], [(byte)'J', 0, 0, 0, 64], [0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [(byte)'X', 1, 0, 0, 0, (byte)'0'], [(byte)'X', 255, 255, 255, 127], [(byte)'G', 0x7F, 0xF0, 0, 0, 0, 0, 0, 0],
        "ctorch._utils\n_rebuild_tensor_v2\n"u8.ToArray(), "ctorch\nFloatStorage\n"u8.ToArray(), "ctorch\nBoolStorage\n"u8.ToArray(),
        "ccollections\nOrderedDict\n"u8.ToArray(), "cos\nsystem\n"u8.ToArray(), "ctorch._utils\n_rebuild_parameter\n"u8.ToArray(),
    ];

    [Fact]
    public void Corrupted_torch_checkpoints_read_or_fail_with_TensorFileException()
    {
        const int Iterations = 3000;
        var random = new Random(2024);
        string[] fixtures = ["autoencoder.pt", "mixed.pt", "mixed_protocol4.pt", "tensor.pt"];
        byte[][] files = fixtures.Select(f => File.ReadAllBytes(RawTorchCheckpoint.FixturePath(f))).ToArray();
        List<(string Name, byte[] Data)>[] records = files.Select(RawTorchCheckpoint.Records).ToArray();
        using var folder = new TempFolder();
        string path = folder.File("fuzz.pt");
        int read = 0, rejected = 0;
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < Iterations; i++)
        {
            int pick = random.Next(files.Length);
            byte[] bytes = random.Next(4) == 0
                ? MutateZip(files[pick], random, out string description)
                : RawTorchCheckpoint.Zip(MutateRecords(records[pick], random, out description), deflate: random.Next(3) == 0);
            File.WriteAllBytes(path, bytes);
            try
            {
                using TorchCheckpointContents contents = TorchCheckpoint.ReadContents(path);
                foreach (torch.Tensor tensor in contents.Tensors.Values) Assert.True(tensor.is_contiguous());
                read++;
            }
            catch (TensorFileException error)
            {
                Assert.DoesNotContain('\n', error.Message);
                Assert.StartsWith("fuzz.pt: ", error.Message);
                rejected++;
            }
            catch (Exception error)
            {
                Assert.Fail($"iteration {i} ({description}) threw {error.GetType().Name}: {error.Message}\nfile: {Convert.ToBase64String(bytes)}");
            }
        }

        Assert.True(read > 100, $"only {read} corrupted checkpoints were readable; the fuzzer is not reaching the tensor path");
        Assert.True(rejected > 1000, $"only {rejected} corrupted checkpoints were rejected");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {clock.Elapsed}");
    }

    private static byte[] MutateZip(byte[] original, Random random, out string description)
    {
        var bytes = (byte[])original.Clone();
        if (random.Next(3) == 0)
        {
            int keep = random.Next(bytes.Length);
            description = $"truncate zip to {keep}";
            return bytes[..keep];
        }
        int flips = random.Next(1, 4);
        for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
        description = $"flip {flips} zip bytes";
        return bytes;
    }

    private static List<(string Name, byte[] Data)> MutateRecords(List<(string Name, byte[] Data)> original, Random random, out string description)
    {
        var records = original.ToList();
        int pickle = records.FindIndex(r => r.Name.EndsWith("/data.pkl", StringComparison.Ordinal));
        byte[] data = records[pickle].Data;
        switch (random.Next(7))
        {
            case 0:
            {
                var mutated = (byte[])data.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++) mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
                records[pickle] = (records[pickle].Name, mutated);
                description = $"flip {flips} pickle bytes";
                break;
            }
            case 1:
            {
                // Small integers are sizes, strides, offsets and element counts.
                var mutated = (byte[])data.Clone();
                int[] ints = Enumerable.Range(0, mutated.Length - 1).Where(j => mutated[j] == (byte)'K').ToArray();
                int at = ints[random.Next(ints.Length)] + 1;
                mutated[at] = (byte)(random.Next(3) == 0 ? random.Next(256) : mutated[at] + random.Next(-2, 3));
                records[pickle] = (records[pickle].Name, mutated);
                description = $"change BININT1 at {at} to {mutated[at]}";
                break;
            }
            case 2:
            {
                int at = random.Next(data.Length + 1);
                byte[] fragment = PickleFragments[random.Next(PickleFragments.Length)];
                records[pickle] = (records[pickle].Name, [.. data[..at], .. fragment, .. data[at..]]);
                description = $"splice {Convert.ToHexString(fragment)} at {at}";
                break;
            }
            case 3:
            {
                int at = random.Next(data.Length);
                int length = Math.Min(random.Next(1, 12), data.Length - at);
                records[pickle] = (records[pickle].Name, [.. data[..at], .. data[(at + length)..]]);
                description = $"delete {length} pickle bytes at {at}";
                break;
            }
            case 4:
            {
                int keep = random.Next(data.Length);
                records[pickle] = (records[pickle].Name, data[..keep]);
                description = $"truncate pickle to {keep}";
                break;
            }
            case 5:
            {
                int victim = random.Next(records.Count);
                (string name, byte[] bytes) = records[victim];
                byte[] changed = random.Next(3) switch
                {
                    0 => bytes[..random.Next(bytes.Length + 1)],
                    1 => [.. bytes, .. new byte[random.Next(1, 9)]],
                    _ => bytes.Select(b => (byte)(b ^ random.Next(256))).ToArray(),
                };
                records[victim] = (name, changed);
                description = $"change record {name}";
                break;
            }
            default:
            {
                int victim = random.Next(records.Count);
                description = $"drop record {records[victim].Name}";
                records.RemoveAt(victim);
                break;
            }
        }
        return records;
    }
}
