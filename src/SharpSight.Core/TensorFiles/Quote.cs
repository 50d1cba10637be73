using System.Text;

namespace SharpSight.Core.TensorFiles;

/// <summary>Formats values read from files for one-line error messages.</summary>
internal static class Quote
{
    private const int MaxLength = 120;

    /// <summary>Quotes a name in single quotes, escaping control characters and shortening very long names.</summary>
    public static string Name(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, MaxLength) + 8);
        builder.Append('\'');
        int keep = value.Length <= MaxLength ? value.Length
            : char.IsHighSurrogate(value[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        foreach (char c in value.AsSpan(0, keep))
        {
            if (char.IsControl(c)) builder.Append($"\\u{(int)c:X4}");
            else builder.Append(c);
        }
        if (value.Length > MaxLength) builder.Append($"...' ({value.Length} characters)");
        else builder.Append('\'');
        return builder.ToString();
    }

    /// <summary>Formats a shape as [d0, d1, ...].</summary>
    public static string Shape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
