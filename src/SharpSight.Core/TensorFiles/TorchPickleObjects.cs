using System.Numerics;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

// The Python objects the restricted unpickler builds. Scalars use plain .NET values: None is null, bool is
// bool, int is long (BigInteger past 64 bits), float is double, str is string and bytes is byte[].
// Lists are List<object?>; tuples, dicts and everything torch-specific have the types below.

/// <summary>A Python tuple.</summary>
internal sealed class PickleTuple(object?[] items)
{
    public object?[] Items { get; } = items;
}

/// <summary>A Python dict or OrderedDict, in insertion order. Keys are str, int or bool values.</summary>
internal sealed class PickleDict
{
    public OrderedDictionary<object, object?> Items { get; } = new();
}

/// <summary>What an allowed global is, and so what calling it does.</summary>
internal enum PickleGlobalKind
{
    /// <summary>collections.OrderedDict: builds a dict.</summary>
    OrderedDict,
    /// <summary>torch.Size: builds a tuple of ints.</summary>
    TorchSize,
    /// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]).</summary>
    RebuildTensorV2,
    /// <summary>torch._utils._rebuild_tensor(storage, offset, size, stride).</summary>
    RebuildTensor,
    /// <summary>torch._utils._rebuild_parameter(tensor, requires_grad, hooks).</summary>
    RebuildParameter,
    /// <summary>torch._utils._rebuild_parameter_with_state(tensor, requires_grad, hooks, state).</summary>
    RebuildParameterWithState,
    /// <summary>A torch.*Storage class: only named by persistent ids, never called.</summary>
    StorageType,
}

/// <summary>An allowed global such as <c>collections.OrderedDict</c> or <c>torch.FloatStorage</c>.</summary>
internal sealed class PickleGlobal(string module, string name, PickleGlobalKind kind, torch.ScalarType elementType = default)
{
    public string Module { get; } = module;
    public string Name { get; } = name;
    public PickleGlobalKind Kind { get; } = kind;

    /// <summary>The element type of a storage class.</summary>
    public torch.ScalarType ElementType { get; } = elementType;

    public string FullName => $"{Module}.{Name}";
}

/// <summary>A torch dtype global such as <c>torch.float32</c>, kept as a value.</summary>
internal sealed class TorchDType(string name, torch.ScalarType type)
{
    public string Name { get; } = name;
    public torch.ScalarType Type { get; } = type;
}

/// <summary>A storage named by a persistent id: the record <c>&lt;top&gt;/data/&lt;key&gt;</c> holding <see cref="Count"/> elements.</summary>
internal sealed class TorchStorage(string key, string recordName, torch.ScalarType elementType, long count, long byteCount)
{
    public string Key { get; } = key;
    public string RecordName { get; } = recordName;
    public torch.ScalarType ElementType { get; } = elementType;
    public long Count { get; } = count;
    public long ByteCount { get; } = byteCount;
}

/// <summary>A tensor as a strided view of a storage, checked to lie inside it; its bytes are read later.</summary>
internal sealed class TorchTensorView(TorchStorage storage, long offset, long[] size, long[] stride)
{
    public TorchStorage Storage { get; } = storage;
    public long Offset { get; } = offset;
    public long[] Size { get; } = size;
    public long[] Stride { get; } = stride;

    /// <summary>The number of elements of the view (checked not to overflow).</summary>
    public long Count { get; init; }
}

/// <summary>Names Python-side types for error messages.</summary>
internal static class PickleDescribe
{
    public static string Of(object? value) => value switch
    {
        null => "None",
        bool => "a bool",
        long or BigInteger => "an int",
        double => "a float",
        string text => $"the str {Quote.Name(text)}",
        byte[] => "bytes",
        PickleTuple tuple => $"a tuple of {tuple.Items.Length}",
        List<object?> => "a list",
        PickleDict => "a dict",
        PickleGlobal global => $"the global {Quote.Name(global.FullName)}",
        TorchDType dtype => $"the dtype torch.{dtype.Name}",
        TorchStorage storage => $"storage {Quote.Name(storage.Key)}",
        TorchTensorView => "a tensor",
        _ => value.GetType().Name,
    };
}
