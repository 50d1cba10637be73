using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SharpSight.Core.IO;
using SharpSight.Core.Runtime;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Reads and writes numpy .npy files: magic "\x93NUMPY", version, header length, a Python dict literal
/// header padded so the preamble is a multiple of 64 bytes, then the raw little-endian data.
/// Reads versions 1.0, 2.0 and 3.0; writes 1.0 (2.0 only when the header needs more than 65535 bytes).
/// Fortran-order files are read and returned as contiguous row-major tensors of the same shape.
/// Supported types: float16/32/64, int8/16/32/64, uint8 and bool.
/// </summary>
public static class Npy
{
    private const int MaxHeaderLength = 1 << 20;
    private const int Alignment = 64;
    private const int MaxDimensions = 64; // numpy 2's NPY_MAXDIMS
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the array in <paramref name="path"/> into a new CPU tensor, which the caller owns.</summary>
    /// <exception cref="TensorFileException">The file cannot be opened, is malformed or truncated, or uses an unsupported dtype.</exception>
    public static torch.Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchRuntime.EnsureInitialized();
        using SafeFileHandle handle = FileAccessErrors.Open(path);
        long fileLength = RandomAccess.GetLength(handle);
        (NpyHeader header, long dataOffset) = ReadHeader(handle, path, fileLength);

        if (!NpyDType.TryParse(header.Descr, out torch.ScalarType type, out string problem))
            throw new TensorFileException(path, problem);
        long needed = ByteCount(path, header, type);
        long available = fileLength - dataOffset;
        if (available != needed)
            throw new TensorFileException(path,
                $"shape {NpyHeader.PythonTuple(header.Shape)} with dtype '{header.Descr}' needs {needed} data bytes, but the file has {available} after the header{(available < needed ? "; it is truncated" : "")}");

        // Fortran order is column-major: the same bytes as the reversed shape in row-major order, transposed.
        long[] storedShape = header.FortranOrder ? header.Shape.Reverse().ToArray() : header.Shape;
        torch.Tensor tensor = torch.empty(storedShape, type);
        try
        {
            TensorBytes.ForEachChunk(tensor, (chunk, offset) =>
            {
                SafetensorsFile.ReadExactly(handle, path, chunk, dataOffset + offset, "the array data");
                if (type == torch.ScalarType.Bool && chunk.IndexOfAnyExcept((byte)0, (byte)1) is var bad and >= 0)
                    throw new TensorFileException(path, $"bool element {offset + bad} is byte 0x{chunk[bad]:X2}, expected 0 or 1");
            });
            if (!header.FortranOrder || header.Shape.Length < 2) return tensor;
            using torch.Tensor transposed = tensor.permute(Enumerable.Range(0, storedShape.Length).Reverse().Select(i => (long)i).ToArray());
            torch.Tensor rowMajor = transposed.contiguous();
            tensor.Dispose();
            return rowMajor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> as .npy version 1.0, replacing the file atomically.</summary>
    /// <exception cref="ArgumentException">The tensor's element type has no .npy equivalent here (e.g. bfloat16).</exception>
    public static void Write(string path, torch.Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!NpyDType.TryGetDescr(tensor.dtype, out string descr))
            throw new ArgumentException(
                $"Element type {tensor.dtype} has no .npy equivalent here; supported: {NpyDType.Supported}. Convert it first (bfloat16 to float32, for example).",
                nameof(tensor));
        byte[] preamble = Preamble(new NpyHeader(descr, FortranOrder: false, tensor.shape));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(preamble);
            TensorBytes.WriteTo(tensor, stream);
        });
    }

    // Magic, version, length and the space-padded header ending in '\n', a multiple of 64 bytes in all.
    private static byte[] Preamble(NpyHeader header)
    {
        byte[] dict = Encoding.Latin1.GetBytes(header.Format());
        bool version1 = 6 + 2 + 2 + dict.Length + 1 <= ushort.MaxValue;
        int fixedLength = version1 ? 10 : 12;
        int headerLength = dict.Length + 1;
        headerLength += (Alignment - (fixedLength + headerLength) % Alignment) % Alignment;

        var preamble = new byte[fixedLength + headerLength];
        Magic.CopyTo(preamble);
        preamble[6] = version1 ? (byte)1 : (byte)2;
        preamble[7] = 0;
        if (version1) BinaryPrimitives.WriteUInt16LittleEndian(preamble.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(preamble.AsSpan(8), (uint)headerLength);
        Span<byte> text = preamble.AsSpan(fixedLength);
        dict.CopyTo(text);
        text[dict.Length..].Fill((byte)' ');
        text[^1] = (byte)'\n';
        return preamble;
    }

    private static (NpyHeader Header, long DataOffset) ReadHeader(SafeFileHandle handle, string path, long fileLength)
    {
        if (fileLength < 10)
            throw new TensorFileException(path, $"file is {fileLength} bytes, too short for a .npy preamble");
        Span<byte> start = stackalloc byte[12];
        SafetensorsFile.ReadExactly(handle, path, start[..10], 0, "the preamble");
        if (!start[..6].SequenceEqual(Magic))
            throw new TensorFileException(path, $"file does not start with the .npy magic \\x93NUMPY (found {Convert.ToHexString(start[..6])})");
        byte major = start[6], minor = start[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new TensorFileException(path, $"unsupported .npy format version {major}.{minor}; expected 1.0, 2.0 or 3.0");

        long lengthEnd = major == 1 ? 10 : 12;
        if (major > 1)
        {
            if (fileLength < 12) throw new TensorFileException(path, $"file is {fileLength} bytes, too short for a version {major}.0 preamble");
            SafetensorsFile.ReadExactly(handle, path, start[10..12], 10, "the header length");
        }
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(start[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(start[8..]);
        if (headerLength > MaxHeaderLength)
            throw new TensorFileException(path, $"header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
        if (headerLength > fileLength - lengthEnd)
            throw new TensorFileException(path, $"header length {headerLength} is past the end of the file ({fileLength - lengthEnd} bytes follow the length field)");

        var bytes = new byte[headerLength];
        SafetensorsFile.ReadExactly(handle, path, bytes, lengthEnd, "the header");
        string text;
        try
        {
            // Versions 1 and 2 are latin-1; version 3 allows UTF-8.
            text = major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes) : Encoding.Latin1.GetString(bytes);
        }
        catch (DecoderFallbackException error)
        {
            throw new TensorFileException(path, "header is not valid UTF-8", error);
        }
        if (!NpyHeader.TryParse(text, out NpyHeader? header, out string problem))
            throw new TensorFileException(path, problem);
        return (header!, lengthEnd + headerLength);
    }

    private static long ByteCount(string path, NpyHeader header, torch.ScalarType type)
    {
        if (header.Shape.Length > MaxDimensions)
            throw new TensorFileException(path, $"shape has {header.Shape.Length} dimensions; numpy allows at most {MaxDimensions}");
        long count = 1;
        foreach (long dim in header.Shape)
        {
            if (dim != 0 && count > long.MaxValue / dim)
                throw new TensorFileException(path, $"shape {NpyHeader.PythonTuple(header.Shape)} has too many elements (the count overflows 64 bits)");
            count *= dim;
        }
        long size = NpyDType.ElementSize(type);
        if (count > long.MaxValue / size)
            throw new TensorFileException(path, $"shape {NpyHeader.PythonTuple(header.Shape)} has too many bytes (the size overflows 64 bits)");
        return count * size;
    }
}
