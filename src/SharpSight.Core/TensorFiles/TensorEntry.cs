namespace SharpSight.Core.TensorFiles;

/// <summary>One tensor's header entry in a safetensors file.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions; empty for a 0-d scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data section (after the header).</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
public sealed record TensorEntry(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>The number of data bytes, <c>End - Begin</c>.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The number of elements, the product of <see cref="Shape"/>.</summary>
    public long ElementCount => Shape.Aggregate(1L, (count, dim) => count * dim);
}
