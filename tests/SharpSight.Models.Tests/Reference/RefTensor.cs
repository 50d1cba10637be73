using System.Collections.ObjectModel;

namespace SharpSight.Models.Tests.Reference;

/// A dense, row-major tensor of doubles. Shape [] is a scalar (Data.Length == 1).
public sealed record RefTensor(int[] Shape, double[] Data)
{
    public int Rank => Shape.Length;

    public int Numel => Shape.Aggregate(1, (a, b) => a * b);

    /// Element at a full index (row-major).
    public double At(params int[] index)
    {
        if (index.Length != Shape.Length)
            throw new ArgumentException($"index rank {index.Length} != tensor rank {Shape.Length}");
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
                throw new IndexOutOfRangeException($"index {index[i]} out of range for dim {i} of size {Shape[i]}");
            flat = flat * Shape[i] + index[i];
        }
        return Data[flat];
    }

    public string ShapeString => "[" + string.Join(", ", Shape) + "]";

    public bool HasShape(params int[] shape) => Shape.SequenceEqual(shape);

    public static RefTensor FromMatrix(double[][] rows)
    {
        int n = rows.Length, m = n == 0 ? 0 : rows[0].Length;
        var data = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            if (rows[i].Length != m) throw new ArgumentException("ragged rows");
            Array.Copy(rows[i], 0, data, i * m, m);
        }
        return new RefTensor(new[] { n, m }, data);
    }

    public static RefTensor From3D(double[][][] x)
    {
        int a = x.Length, b = a == 0 ? 0 : x[0].Length, c = b == 0 ? 0 : x[0][0].Length;
        var data = new double[a * b * c];
        int p = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
            {
                if (x[i][j].Length != c) throw new ArgumentException("ragged 3D array");
                for (int k = 0; k < c; k++) data[p++] = x[i][j][k];
            }
        return new RefTensor(new[] { a, b, c }, data);
    }

    public static RefTensor FromVector(double[] v) => new(new[] { v.Length }, (double[])v.Clone());

    /// Rows of a 2-D tensor as jagged arrays (copies).
    public double[][] ToMatrix()
    {
        if (Rank != 2) throw new InvalidOperationException($"expected a 2-D tensor, got {ShapeString}");
        int n = Shape[0], m = Shape[1];
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new double[m];
            Array.Copy(Data, i * m, rows[i], 0, m);
        }
        return rows;
    }

    /// Row i of a 2-D tensor (a copy).
    public double[] Row(int i)
    {
        if (Rank != 2) throw new InvalidOperationException($"expected a 2-D tensor, got {ShapeString}");
        int m = Shape[1];
        var r = new double[m];
        Array.Copy(Data, i * m, r, 0, m);
        return r;
    }
}

/// The result of one reference forward pass over a single unbatched sequence.
public sealed class ReferenceRun
{
    internal ReferenceRun(double[,] logits, Dictionary<string, RefTensor> hooks)
    {
        Logits = logits;
        Hooks = new ReadOnlyDictionary<string, RefTensor>(hooks);
    }

    /// [T, vocab]
    public double[,] Logits { get; }

    /// TransformerLens hook names (no batch dimension) to values.
    public IReadOnlyDictionary<string, RefTensor> Hooks { get; }

    /// Logits as a RefTensor [T, vocab].
    public RefTensor LogitsTensor
    {
        get
        {
            int t = Logits.GetLength(0), v = Logits.GetLength(1);
            var d = new double[t * v];
            for (int i = 0; i < t; i++)
                for (int j = 0; j < v; j++) d[i * v + j] = Logits[i, j];
            return new RefTensor(new[] { t, v }, d);
        }
    }
}
