using System.Collections.ObjectModel;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Everything <see cref="TorchCheckpoint.ReadContents"/> found in a checkpoint, flattened to dotted names:
/// the tensors, and the other leaves (numbers, strings, ...) of the saved object. The tensors belong to this
/// object until <see cref="Dispose"/>; a caller that keeps some should take them out of <see cref="Tensors"/>
/// and not dispose the contents, or dispose each tensor itself.
/// </summary>
public sealed class TorchCheckpointContents : IDisposable
{
    internal TorchCheckpointContents(OrderedDictionary<string, torch.Tensor> tensors, OrderedDictionary<string, object?> values)
    {
        Tensors = new ReadOnlyDictionary<string, torch.Tensor>(tensors);
        Values = new ReadOnlyDictionary<string, object?>(values);
    }

    /// <summary>
    /// The tensors by dotted name, in file order, as contiguous CPU tensors of the stored element type.
    /// </summary>
    public IReadOnlyDictionary<string, torch.Tensor> Tensors { get; }

    /// <summary>
    /// The leaves that are not tensors, by dotted name, in file order: Python None is null, bool is
    /// <see cref="bool"/>, int is <see cref="long"/> (<see cref="System.Numerics.BigInteger"/> beyond 64 bits),
    /// float is <see cref="double"/>, str is <see cref="string"/>, bytes is a byte array and a torch dtype is a
    /// <see cref="torch.ScalarType"/>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>Disposes every tensor in <see cref="Tensors"/>.</summary>
    public void Dispose()
    {
        foreach (torch.Tensor tensor in Tensors.Values) tensor.Dispose();
    }
}
