using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SharpSight.Core.Tests.TensorFiles;

/// <summary>Builds torch.save-style zip archives and pickle bytes by hand, independent of the reader.</summary>
internal static class RawTorchCheckpoint
{
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Torch", name);

    /// <summary>A zip archive holding <paramref name="records"/> in order, stored or deflated.</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> records, bool deflate = false)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in records)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using Stream stream = entry.Open();
                stream.Write(data);
            }
        }
        return memory.ToArray();
    }

    /// <summary>The standard layout: archive/data.pkl, the storages as archive/data/&lt;key&gt;, archive/version.</summary>
    public static byte[] Checkpoint(byte[] pickle, params (string Key, byte[] Data)[] storages) =>
        Zip([("archive/data.pkl", pickle), .. storages.Select(s => ($"archive/data/{s.Key}", s.Data)), ("archive/version", "3\n"u8.ToArray())]);

    /// <summary>Overwrites the sizes the central directory claims for record <paramref name="name"/>.</summary>
    public static byte[] ClaimSizes(byte[] zipBytes, string name, uint? compressed = null, uint? uncompressed = null)
    {
        byte[] bytes = (byte[])zipBytes.Clone();
        byte[] utf8 = Encoding.UTF8.GetBytes(name);
        for (int at = 0; at + 46 <= bytes.Length; at++)
        {
            // Central directory header: signature, ..., compressed size at 20, uncompressed at 24, name length at 28, name at 46.
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) != 0x02014b50) continue;
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28));
            if (!bytes.AsSpan(at + 46, nameLength).SequenceEqual(utf8)) continue;
            if (compressed is { } c) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 20), c);
            if (uncompressed is { } u) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), u);
            return bytes;
        }
        throw new ArgumentException($"no central directory entry for {name}");
    }

    /// <summary>The records of an existing archive, in order.</summary>
    public static List<(string Name, byte[] Data)> Records(byte[] zipBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        return zip.Entries.Select(e =>
        {
            using Stream stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (e.FullName, copy.ToArray());
        }).ToList();
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>
    /// A protocol 2 pickle of <c>{name: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}</c>
    /// for each tensor, in the opcodes torch.save uses.
    /// </summary>
    public static byte[] StateDict(params TensorSpec[] tensors)
    {
        var p = new Pickle().Proto(2).EmptyDict().Mark();
        foreach (TensorSpec t in tensors) p.Str(t.Name).Tensor(t);
        return p.SetItems().Stop().ToArray();
    }

    public sealed record TensorSpec(string Name, string Key, long Numel, long Offset, long[] Size, long[] Stride, string Storage = "FloatStorage");

    /// <summary>Writes pickle opcodes.</summary>
    public sealed class Pickle
    {
        private readonly List<byte> _bytes = [];

        public Pickle Raw(params byte[] bytes)
        {
            _bytes.AddRange(bytes);
            return this;
        }

        public Pickle Op(char opcode) => Raw((byte)opcode);
        public Pickle Proto(int protocol) => Raw(0x80, (byte)protocol);
        public Pickle Mark() => Op('(');
        public Pickle Stop() => Op('.');
        public Pickle EmptyDict() => Op('}');
        public Pickle EmptyList() => Op(']');
        public Pickle EmptyTuple() => Op(')');
        public Pickle Tuple() => Op('t');
        public Pickle SetItem() => Op('s');
        public Pickle SetItems() => Op('u');
        public Pickle Append() => Op('a');
        public Pickle Reduce() => Op('R');
        public Pickle BinPersId() => Op('Q');
        public Pickle False() => Raw(0x89);
        public Pickle None() => Op('N');
        public Pickle Put(byte index) => Raw((byte)'q', index);
        public Pickle Get(byte index) => Raw((byte)'h', index);

        public Pickle Global(string module, string name) => Op('c').Raw(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));

        public Pickle Str(string text)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            return Op('X').Raw(length).Raw(utf8);
        }

        public Pickle Int(long value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, checked((int)value));
            return Op('J').Raw(bytes);
        }

        public Pickle Ints(long[] values)
        {
            Mark();
            foreach (long v in values) Int(v);
            return Tuple();
        }

        public Pickle Tensor(TensorSpec t) =>
            Global("torch._utils", "_rebuild_tensor_v2")
                .Mark()
                .Mark().Str("storage").Global("torch", t.Storage).Str(t.Key).Str("cpu").Int(t.Numel).Tuple().BinPersId()
                .Int(t.Offset).Ints(t.Size).Ints(t.Stride).False()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();

        public byte[] ToArray() => [.. _bytes];
    }
}
