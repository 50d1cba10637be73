using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Visits the native storage of a contiguous CPU tensor as byte spans. <c>Tensor.bytes</c> is limited to
/// int-sized spans, so large tensors are visited through slices of a flattened view.
/// </summary>
internal static class TensorBytes
{
    /// <summary>Receives one chunk of storage and its byte offset from the start of the tensor.</summary>
    public delegate void ChunkAction(Span<byte> chunk, long offset);

    /// <summary>The largest span handed to the action by default (1 GiB).</summary>
    public const long DefaultChunkBytes = 1L << 30;

    /// <summary>Calls <paramref name="action"/> for consecutive chunks that together cover the tensor's bytes.</summary>
    /// <param name="tensor">A contiguous CPU tensor.</param>
    /// <param name="action">Reads or writes the chunk in place.</param>
    /// <param name="chunkBytes">The largest chunk; at least one element.</param>
    public static void ForEachChunk(torch.Tensor tensor, ChunkAction action, long chunkBytes = DefaultChunkBytes)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("The tensor must be contiguous and on the CPU.", nameof(tensor));
        long elementSize = tensor.ElementSize;
        long count = tensor.NumberOfElements;
        if (count == 0) return;
        if (count * elementSize <= chunkBytes)
        {
            action(tensor.bytes, 0);
            return;
        }

        long perChunk = Math.Max(1, chunkBytes / elementSize);
        using torch.Tensor flat = tensor.reshape(-1); // A view: contiguous input never copies.
        for (long start = 0; start < count; start += perChunk)
        {
            using torch.Tensor slice = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(slice.bytes, start * elementSize);
        }
    }

    /// <summary>Writes the bytes of any tensor to <paramref name="stream"/>, moving it to the CPU and making it contiguous first.</summary>
    public static void WriteTo(torch.Tensor tensor, Stream stream)
    {
        using torch.Tensor detached = tensor.detach();
        using torch.Tensor cpu = detached.cpu();
        using torch.Tensor contiguous = cpu.contiguous();
        ForEachChunk(contiguous, (chunk, _) => stream.Write(chunk));
    }
}
