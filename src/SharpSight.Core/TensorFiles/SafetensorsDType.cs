using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>The element types this library reads and writes in safetensors files, spelled as in the format.</summary>
public enum SafetensorsDType
{
    /// <summary>64-bit IEEE float.</summary>
    F64,
    /// <summary>32-bit IEEE float.</summary>
    F32,
    /// <summary>16-bit IEEE half float.</summary>
    F16,
    /// <summary>16-bit brain float (the upper half of an F32).</summary>
    BF16,
    /// <summary>64-bit signed integer.</summary>
    I64,
    /// <summary>32-bit signed integer.</summary>
    I32,
    /// <summary>16-bit signed integer.</summary>
    I16,
    /// <summary>8-bit signed integer.</summary>
    I8,
    /// <summary>8-bit unsigned integer.</summary>
    U8,
    /// <summary>Boolean stored as one byte, 0 or 1.</summary>
    BOOL,
}

/// <summary>Sizes, names and TorchSharp equivalents of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypes
{
    /// <summary>All supported types, in the order error messages list them.</summary>
    public static IReadOnlyList<SafetensorsDType> All { get; } = Enum.GetValues<SafetensorsDType>();

    /// <summary>The supported names joined for error messages: "F64, F32, ...".</summary>
    internal static string AllNames { get; } = string.Join(", ", Enum.GetNames<SafetensorsDType>());

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        SafetensorsDType.I8 or SafetensorsDType.U8 or SafetensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The TorchSharp element type that holds this type without conversion.</summary>
    public static torch.ScalarType ToScalarType(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 => torch.ScalarType.Float64,
        SafetensorsDType.F32 => torch.ScalarType.Float32,
        SafetensorsDType.F16 => torch.ScalarType.Float16,
        SafetensorsDType.BF16 => torch.ScalarType.BFloat16,
        SafetensorsDType.I64 => torch.ScalarType.Int64,
        SafetensorsDType.I32 => torch.ScalarType.Int32,
        SafetensorsDType.I16 => torch.ScalarType.Int16,
        SafetensorsDType.I8 => torch.ScalarType.Int8,
        SafetensorsDType.U8 => torch.ScalarType.Byte,
        SafetensorsDType.BOOL => torch.ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors type for a TorchSharp element type, or false when the format has none we support.</summary>
    public static bool TryFromScalarType(torch.ScalarType scalarType, out SafetensorsDType dtype)
    {
        SafetensorsDType? found = scalarType switch
        {
            torch.ScalarType.Float64 => SafetensorsDType.F64,
            torch.ScalarType.Float32 => SafetensorsDType.F32,
            torch.ScalarType.Float16 => SafetensorsDType.F16,
            torch.ScalarType.BFloat16 => SafetensorsDType.BF16,
            torch.ScalarType.Int64 => SafetensorsDType.I64,
            torch.ScalarType.Int32 => SafetensorsDType.I32,
            torch.ScalarType.Int16 => SafetensorsDType.I16,
            torch.ScalarType.Int8 => SafetensorsDType.I8,
            torch.ScalarType.Byte => SafetensorsDType.U8,
            torch.ScalarType.Bool => SafetensorsDType.BOOL,
            _ => null,
        };
        dtype = found.GetValueOrDefault();
        return found.HasValue;
    }

    /// <summary>Parses a dtype name exactly as the format spells it (case-sensitive, e.g. "BF16").</summary>
    public static bool TryParse(string name, out SafetensorsDType dtype)
    {
        foreach (SafetensorsDType candidate in All)
        {
            if (string.Equals(candidate.ToString(), name, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }
}
