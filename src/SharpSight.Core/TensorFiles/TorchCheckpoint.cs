using System.IO.Compression;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SharpSight.Core.Runtime;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Reads PyTorch checkpoints written by <c>torch.save</c> in the zip format of PyTorch 1.6 and later
/// (<c>&lt;top&gt;/data.pkl</c> plus one <c>&lt;top&gt;/data/&lt;key&gt;</c> record per storage), such as a
/// module's <c>state_dict()</c>. The pickle is read by a restricted unpickler that builds only dicts,
/// lists, tuples, plain values and tensors: any other global (a class or function the file asks to run)
/// is refused, so reading a file never executes anything from it.
/// </summary>
/// <remarks>
/// Nested dicts, lists and tuples are flattened to dotted names (<c>{"enc": {"weight": t}}</c> gives
/// <c>enc.weight</c>); a tensor saved on its own gets the empty name. Tensors come back on the CPU with the
/// stored element type (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool,
/// complex64, complex128) and are always contiguous: a view saved with other strides (a transposed weight,
/// say) or a slice of a larger storage is copied. A tensor that is its storage's full contiguous extent
/// uses the storage directly, so the same tensor saved under two names (tied weights) shares memory, as
/// in PyTorch. Storages saved from a GPU are read to the CPU. The legacy non-zip format
/// (<c>_use_new_zipfile_serialization=False</c>), TorchScript archives, quantized and sparse tensors are
/// not supported and fail with a clear <see cref="TensorFileException"/>.
/// </remarks>
public static class TorchCheckpoint
{
    // Copies of partial or strided views may exceed the storage they come from (overlapping views,
    // stride-0 expansions), but a file that asks for far more than it holds is refused, not obeyed.
    private const long CopyAllowanceBytes = 64L << 20;
    private const int CopyFactor = 4;

    /// <summary>
    /// Reads the tensors of the checkpoint at <paramref name="path"/> by dotted name, in file order.
    /// Non-tensor entries (numbers, strings, None) are skipped; <see cref="ReadContents"/> returns them too.
    /// The caller owns and disposes the tensors.
    /// </summary>
    /// <exception cref="TensorFileException">The file cannot be opened, is not a torch.save zip checkpoint, is malformed or truncated, or names a global or element type that is not supported.</exception>
    public static IReadOnlyDictionary<string, torch.Tensor> Read(string path) => ReadContents(path).Tensors;

    /// <summary>
    /// Reads the tensors and the other leaves of the checkpoint at <paramref name="path"/>.
    /// Dispose the result to free its tensors.
    /// </summary>
    /// <exception cref="TensorFileException">The file cannot be opened, is not a torch.save zip checkpoint, is malformed or truncated, or names a global or element type that is not supported.</exception>
    public static TorchCheckpointContents ReadContents(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchRuntime.EnsureInitialized();
        if (!BitConverter.IsLittleEndian)
            throw new TensorFileException(path, "reading torch checkpoints needs a little-endian machine");

        using SafeFileHandle handle = FileAccessErrors.Open(path);
        CheckSignature(path, handle);
        using var stream = new FileStream(handle, FileAccess.Read);
        using ZipArchive zip = TorchArchive.Guard(path, "is not a valid zip archive", () => new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true));
        TorchArchive archive = TorchArchive.Open(path, zip, stream.Length);
        byte[] pickle = archive.ReadPickle();
        object? root = TorchUnpickler.Load(path, archive.PickleName, pickle, archive.StorageRecord);
        var tree = TorchCheckpointTree.Flatten(path, root, maxNodes: 1000 + 4L * pickle.Length);
        return Materialize(path, archive, tree);
    }

    // A zip starts with "PK"; the legacy format is a bare pickle starting with PROTO (0x80).
    private static void CheckSignature(string path, SafeFileHandle handle)
    {
        Span<byte> start = stackalloc byte[4];
        int read = RandomAccess.Read(handle, start, 0);
        if (read == 0) throw new TensorFileException(path, "file is empty");
        if (start[0] == 0x80)
            throw new TensorFileException(path,
                "file is a bare pickle, the legacy torch.save format (before PyTorch 1.6 or with _use_new_zipfile_serialization=False), which is not supported; re-save it with a current torch.save");
        if (read < 2 || start[0] != (byte)'P' || start[1] != (byte)'K')
            throw new TensorFileException(path,
                $"file starts with {Convert.ToHexString(start[..read])}, not a zip signature (504B); a torch.save checkpoint is a zip archive");
    }

    private static TorchCheckpointContents Materialize(string path, TorchArchive archive, TorchCheckpointTree tree)
    {
        long storageBytes = tree.Tensors.Select(t => t.View.Storage).Distinct().Sum(s => s.ByteCount);
        long copyLimit = storageBytes > (long.MaxValue - CopyAllowanceBytes) / CopyFactor ? long.MaxValue : CopyFactor * storageBytes + CopyAllowanceBytes;
        long copied = 0;
        var storages = new Dictionary<TorchStorage, torch.Tensor>();
        var tensors = new OrderedDictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach ((string name, TorchTensorView view) in tree.Tensors)
            {
                if (!storages.TryGetValue(view.Storage, out torch.Tensor? storage))
                {
                    storage = ReadStorage(path, archive, view.Storage);
                    storages.Add(view.Storage, storage);
                }
                bool whole = view.Offset == 0 && view.Count == view.Storage.Count;
                if (!whole)
                {
                    copied += view.Count * TorchPickleGlobals.ElementSize(view.Storage.ElementType);
                    if (copied > copyLimit)
                        throw new TensorFileException(path,
                            $"tensor {Quote.Name(name)} brings the bytes copied out of strided or partial views to {copied}, more than {CopyFactor} times the {storageBytes} bytes of storage; the file repeats its data too often");
                }
                tensors.Add(name, View(path, name, storage, view, whole));
            }
            return new TorchCheckpointContents(tensors, tree.Values);
        }
        catch
        {
            foreach (torch.Tensor tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        finally
        {
            foreach (torch.Tensor storage in storages.Values) storage.Dispose();
        }
    }

    private static torch.Tensor ReadStorage(string path, TorchArchive archive, TorchStorage storage)
    {
        string dtype = TorchPickleGlobals.DTypeName(storage.ElementType);
        torch.Tensor tensor = Native(path, $"cannot allocate storage {Quote.Name(storage.Key)} of {storage.Count} {dtype} elements",
            () => torch.empty(storage.Count, storage.ElementType));
        try
        {
            archive.ReadRecord(storage.RecordName, (read, what) => TensorBytes.ForEachChunk(tensor, (chunk, offset) =>
            {
                read(chunk, offset);
                if (storage.ElementType == torch.ScalarType.Bool && chunk.IndexOfAnyExcept((byte)0, (byte)1) is var bad and >= 0)
                    throw new TensorFileException(path, $"{what} has bool byte 0x{chunk[bad]:X2} at element {offset + bad}, expected 0 or 1");
            }));
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    // The view was checked against the storage when it was unpickled, so as_strided cannot reach outside it.
    private static torch.Tensor View(string path, string name, torch.Tensor storage, TorchTensorView view, bool whole) =>
        Native(path, $"cannot build tensor {Quote.Name(name)} with size {Quote.Shape(view.Size)}", () =>
        {
            torch.Tensor strided = storage.as_strided(view.Size, view.Stride, view.Offset);
            if (whole && strided.is_contiguous()) return strided;
            using (strided)
                return strided.is_contiguous() ? strided.clone() : strided.contiguous();
        });

    private static torch.Tensor Native(string path, string what, Func<torch.Tensor> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (error is ExternalException or OutOfMemoryException)
        {
            throw new TensorFileException(path, $"{what}: {error.Message}", error);
        }
    }
}
