using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// The only globals a torch checkpoint may name: OrderedDict, the tensor and parameter rebuild functions,
/// storage classes and dtypes. Resolving one only returns a marker object; nothing is imported or run.
/// </summary>
internal static class TorchPickleGlobals
{
    private static readonly (string Name, torch.ScalarType Type)[] StorageClasses =
    [
        ("FloatStorage", torch.ScalarType.Float32),
        ("DoubleStorage", torch.ScalarType.Float64),
        ("HalfStorage", torch.ScalarType.Float16),
        ("BFloat16Storage", torch.ScalarType.BFloat16),
        ("LongStorage", torch.ScalarType.Int64),
        ("IntStorage", torch.ScalarType.Int32),
        ("ShortStorage", torch.ScalarType.Int16),
        ("CharStorage", torch.ScalarType.Int8),
        ("ByteStorage", torch.ScalarType.Byte),
        ("BoolStorage", torch.ScalarType.Bool),
        ("ComplexFloatStorage", torch.ScalarType.ComplexFloat32),
        ("ComplexDoubleStorage", torch.ScalarType.ComplexFloat64),
    ];

    private static readonly (string Name, torch.ScalarType Type)[] DTypes =
    [
        ("float32", torch.ScalarType.Float32), ("float", torch.ScalarType.Float32),
        ("float64", torch.ScalarType.Float64), ("double", torch.ScalarType.Float64),
        ("float16", torch.ScalarType.Float16), ("half", torch.ScalarType.Float16),
        ("bfloat16", torch.ScalarType.BFloat16),
        ("int64", torch.ScalarType.Int64), ("long", torch.ScalarType.Int64),
        ("int32", torch.ScalarType.Int32), ("int", torch.ScalarType.Int32),
        ("int16", torch.ScalarType.Int16), ("short", torch.ScalarType.Int16),
        ("int8", torch.ScalarType.Int8),
        ("uint8", torch.ScalarType.Byte),
        ("bool", torch.ScalarType.Bool),
        ("complex64", torch.ScalarType.ComplexFloat32), ("cfloat", torch.ScalarType.ComplexFloat32),
        ("complex128", torch.ScalarType.ComplexFloat64), ("cdouble", torch.ScalarType.ComplexFloat64),
    ];

    private static readonly Dictionary<(string Module, string Name), object> Allowed = Build();

    /// <summary>A short list of what is allowed, for the refusal message.</summary>
    public const string AllowedSummary = "only collections.OrderedDict, torch._utils tensor and parameter rebuilders, torch storage classes and dtypes are allowed";

    /// <summary>The supported storage classes, for error messages.</summary>
    public static string StorageSummary { get; } = string.Join(", ", StorageClasses.Select(s => s.Name));

    /// <summary>The marker object for an allowed global: a <see cref="PickleGlobal"/> or a <see cref="TorchDType"/>.</summary>
    public static bool TryResolve(string module, string name, out object? value) =>
        Allowed.TryGetValue((module, name), out value);

    /// <summary>Bytes per element of a storage element type.</summary>
    public static int ElementSize(torch.ScalarType type) => type switch
    {
        torch.ScalarType.ComplexFloat64 => 16,
        torch.ScalarType.Float64 or torch.ScalarType.Int64 or torch.ScalarType.ComplexFloat32 => 8,
        torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Int16 => 2,
        torch.ScalarType.Int8 or torch.ScalarType.Byte or torch.ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a torch storage element type"),
    };

    /// <summary>The torch name of an element type (float32, bfloat16, ...) for messages.</summary>
    public static string DTypeName(torch.ScalarType type) =>
        DTypes.First(d => d.Type == type).Name;

    private static Dictionary<(string, string), object> Build()
    {
        var allowed = new Dictionary<(string, string), object>
        {
            [("collections", "OrderedDict")] = new PickleGlobal("collections", "OrderedDict", PickleGlobalKind.OrderedDict),
            [("torch", "Size")] = new PickleGlobal("torch", "Size", PickleGlobalKind.TorchSize),
            [("torch._utils", "_rebuild_tensor_v2")] = new PickleGlobal("torch._utils", "_rebuild_tensor_v2", PickleGlobalKind.RebuildTensorV2),
            [("torch._utils", "_rebuild_tensor")] = new PickleGlobal("torch._utils", "_rebuild_tensor", PickleGlobalKind.RebuildTensor),
            [("torch._utils", "_rebuild_parameter")] = new PickleGlobal("torch._utils", "_rebuild_parameter", PickleGlobalKind.RebuildParameter),
            [("torch._utils", "_rebuild_parameter_with_state")] =
                new PickleGlobal("torch._utils", "_rebuild_parameter_with_state", PickleGlobalKind.RebuildParameterWithState),
        };
        // torch.cuda.*Storage is what PyTorch before 1.11 wrote for tensors saved from a GPU.
        foreach (string module in new[] { "torch", "torch.cuda" })
        {
            foreach ((string name, torch.ScalarType type) in StorageClasses)
                allowed[(module, name)] = new PickleGlobal(module, name, PickleGlobalKind.StorageType, type);
        }
        foreach ((string name, torch.ScalarType type) in DTypes)
            allowed[("torch", name)] = new TorchDType(name, type);
        return allowed;
    }
}
