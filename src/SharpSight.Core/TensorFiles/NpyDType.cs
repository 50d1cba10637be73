using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>The .npy element types this library reads and writes, keyed by numpy's type string (descr).</summary>
internal static class NpyDType
{
    // What numpy itself writes on a little-endian machine.
    private static readonly (string Descr, torch.ScalarType Type)[] Known =
    [
        ("<f2", torch.ScalarType.Float16),
        ("<f4", torch.ScalarType.Float32),
        ("<f8", torch.ScalarType.Float64),
        ("|i1", torch.ScalarType.Int8),
        ("<i2", torch.ScalarType.Int16),
        ("<i4", torch.ScalarType.Int32),
        ("<i8", torch.ScalarType.Int64),
        ("|u1", torch.ScalarType.Byte),
        ("|b1", torch.ScalarType.Bool),
    ];

    /// <summary>The supported type strings, for error messages.</summary>
    public static string Supported { get; } = string.Join(", ", Known.Select(k => k.Descr));

    /// <summary>Bytes per element of a supported type.</summary>
    public static int ElementSize(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
        torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
        torch.ScalarType.Float16 or torch.ScalarType.Int16 => 2,
        torch.ScalarType.Int8 or torch.ScalarType.Byte or torch.ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported .npy type"),
    };

    /// <summary>The numpy type string for a TorchSharp element type.</summary>
    public static bool TryGetDescr(torch.ScalarType type, out string descr)
    {
        foreach ((string d, torch.ScalarType t) in Known)
        {
            if (t == type)
            {
                descr = d;
                return true;
            }
        }
        descr = "";
        return false;
    }

    /// <summary>
    /// Parses a type string. '=' (native) counts as little-endian, and single-byte types accept any
    /// byte-order character, as numpy does. Returns a problem description on failure.
    /// </summary>
    public static bool TryParse(string descr, out torch.ScalarType type, out string problem)
    {
        type = default;
        problem = "";
        if (descr.Length >= 2 && descr[0] is '<' or '>' or '=' or '|')
        {
            string kindAndSize = descr[1..];
            foreach ((string d, torch.ScalarType t) in Known)
            {
                if (d[1..] != kindAndSize) continue;
                bool singleByte = d[0] == '|';
                if (singleByte || descr[0] is '<' or '=')
                {
                    type = t;
                    return true;
                }
                if (descr[0] == '>')
                {
                    problem = $"dtype '{descr}' is big-endian, which is not supported; save it little-endian (e.g. with arr.astype('<{kindAndSize}'))";
                    return false;
                }
            }
        }
        problem = $"dtype {Quote.Name(descr)} is not supported; expected one of {Supported}";
        return false;
    }
}
