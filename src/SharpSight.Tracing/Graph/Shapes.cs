namespace SharpSight.Tracing.Graph;

/// <summary>Shape arithmetic shared by validation and execution.</summary>
public static class Shapes
{
    /// <summary>"[8, 128, 768]".</summary>
    public static string Show(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>NumPy broadcasting of two shapes, or null if they do not broadcast.</summary>
    public static long[]? Broadcast(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        int rank = Math.Max(a.Count, b.Count);
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long x = i < rank - a.Count ? 1 : a[i - (rank - a.Count)], y = i < rank - b.Count ? 1 : b[i - (rank - b.Count)];
            if (x != y && x != 1 && y != 1) return null;
            result[i] = x == 1 ? y : x;
        }
        return result;
    }

    /// <summary>A dimension index, negative counting from the end, checked against the rank.</summary>
    public static int Dim(long dim, int rank, string where)
    {
        long resolved = dim < 0 ? dim + rank : dim;
        if (resolved < 0 || resolved >= rank) throw new GraphException($"{where}: dimension {dim} is out of range for rank {rank}");
        return (int)resolved;
    }
}
