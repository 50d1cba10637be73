using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Win32.SafeHandles;
using SharpSight.Core.Runtime;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// A safetensors file opened for reading: the header is read and validated once, and each
/// <see cref="Read"/> reads only that tensor's bytes from disk into a new tensor.
/// The file stays open (shared for reading) until <see cref="Dispose"/>. Reads may run concurrently.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The largest header the reader accepts, as in the reference implementation.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly SafeFileHandle _handle;
    private readonly long _fileLength;
    private readonly Dictionary<string, TensorEntry> _byName;

    private SafetensorsFile(string path, SafeFileHandle handle, long fileLength, long dataOffset, SafetensorsHeader header)
    {
        Path = path;
        _handle = handle;
        _fileLength = fileLength;
        DataOffset = dataOffset;
        Entries = header.Entries;
        Metadata = header.Metadata;
        _byName = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>The "__metadata__" map of the header; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <summary>The file offset of the data section: 8 plus the header length.</summary>
    public long DataOffset { get; }

    /// <summary>Opens <paramref name="path"/> and validates its whole header.</summary>
    /// <exception cref="TensorFileException">The file cannot be opened or is malformed.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle handle = FileAccessErrors.Open(path);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8)
                throw new TensorFileException(path, $"file is {length} bytes, too short for the 8-byte header length");

            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(handle, path, prefix, 0, "the header length");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            // Bound the length before allocating anything for it.
            if (headerLength == 0)
                throw new TensorFileException(path, "header length is 0");
            if (headerLength > MaxHeaderLength)
                throw new TensorFileException(path, $"header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
            if (headerLength > (ulong)(length - 8))
                throw new TensorFileException(path,
                    $"header length {headerLength} is past the end of the file ({length - 8} bytes follow the length field)");

            var json = new byte[headerLength];
            ReadExactly(handle, path, json, 8, "the header");
            long dataOffset = 8 + (long)headerLength;
            // Trailing spaces (the official writer's alignment padding) are JSON whitespace.
            SafetensorsHeader header = SafetensorsHeader.Parse(path, json, length - dataOffset);
            return new SafetensorsFile(path, handle, length, dataOffset, header);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor's header entry.</summary>
    public bool TryGetEntry(string name, [MaybeNullWhen(false)] out TensorEntry entry) => _byName.TryGetValue(name, out entry);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    /// <exception cref="TensorFileException">The file has no such tensor.</exception>
    public TensorEntry Entry(string name) =>
        _byName.TryGetValue(name, out TensorEntry? entry) ? entry : throw NotInFile(name);

    /// <summary>
    /// Reads one tensor from disk. The result holds the file's element type (BF16 and F16 stay bfloat16 and
    /// float16) unless <paramref name="dtype"/> asks for a conversion, and lives on the CPU unless
    /// <paramref name="device"/> names another device. The caller owns (and disposes) the result.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dtype">Convert to this element type, or null to keep the file's type.</param>
    /// <param name="device">Move to this device, or null for the CPU.</param>
    /// <exception cref="TensorFileException">No such tensor, the file changed since it was opened, or a BOOL tensor holds a byte other than 0 or 1.</exception>
    public torch.Tensor Read(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        TorchRuntime.EnsureInitialized();
        TensorEntry entry = Entry(name);
        long length = RandomAccess.GetLength(_handle);
        if (length != _fileLength)
            throw new TensorFileException(Path,
                $"file is now {length} bytes but was {_fileLength} bytes when opened; it changed while open, so tensor {Quote.Name(name)} cannot be read");

        torch.Tensor result = Allocate(entry);
        try
        {
            TensorBytes.ForEachChunk(result, (chunk, offset) =>
            {
                ReadExactly(_handle, Path, chunk, DataOffset + entry.Begin + offset, $"tensor {Quote.Name(name)}");
                if (entry.DType == SafetensorsDType.BOOL) CheckBooleans(entry, chunk, offset);
            });
            if (device is not null && device.type != DeviceType.CPU) result = Replace(result, result.to(device));
            if (dtype is { } wanted && wanted != result.dtype) result = Replace(result, result.to(wanted));
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private torch.Tensor Allocate(TensorEntry entry)
    {
        try
        {
            return torch.empty(entry.Shape, entry.DType.ToScalarType());
        }
        catch (Exception error) when (error is System.Runtime.InteropServices.ExternalException or OutOfMemoryException)
        {
            throw new TensorFileException(Path,
                $"cannot allocate tensor {Quote.Name(entry.Name)} with shape {Quote.Shape(entry.Shape)} and dtype {entry.DType}: {error.Message}", error);
        }
    }

    // torch.bool storage must hold only 0 and 1; other bytes make comparisons and sums undefined.
    private void CheckBooleans(TensorEntry entry, Span<byte> chunk, long offset)
    {
        int bad = chunk.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
            throw new TensorFileException(Path,
                $"tensor {Quote.Name(entry.Name)} has BOOL byte 0x{chunk[bad]:X2} at element {offset + bad}, expected 0 or 1");
    }

    private TensorFileException NotInFile(string name)
    {
        string examples = string.Join(", ", Entries.Take(3).Select(e => Quote.Name(e.Name)));
        string has = Entries.Count == 0 ? "it has no tensors" : $"it has {Entries.Count} tensors, e.g. {examples}";
        return new TensorFileException(Path, $"tensor {Quote.Name(name)} is not in the file ({has})");
    }

    private static torch.Tensor Replace(torch.Tensor old, torch.Tensor replacement)
    {
        old.Dispose();
        return replacement;
    }

    // Positional reads: no shared stream position, so concurrent reads are safe.
    internal static void ReadExactly(SafeFileHandle handle, string path, Span<byte> buffer, long fileOffset, string what)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[done..], fileOffset + done);
            if (read == 0)
                throw new TensorFileException(path,
                    $"file ended at byte {fileOffset + done} while reading {what} (bytes {fileOffset}..{fileOffset + buffer.Length}); it was truncated");
            done += read;
        }
    }
}
