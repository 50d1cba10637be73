using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// Dictionary features of many positions in compressed-row form: for each row (position) the features that are not
/// zero and their values, features ascending. Dictionary features are sparse (tens of thousands of positions × thousands
/// of features, a few dozen non-zero per row), so the board metrics work on this form instead of the dense matrix.
/// </summary>
public sealed class SparseFeatureRows
{
    private readonly int[] _rowStart;   // [rows + 1]
    private readonly int[] _features;
    private readonly float[] _values;

    private SparseFeatureRows(int width, int[] rowStart, int[] features, float[] values)
    {
        Width = width;
        _rowStart = rowStart;
        _features = features;
        _values = values;
    }

    /// <summary>Number of rows (positions).</summary>
    public int Rows => _rowStart.Length - 1;

    /// <summary>Number of features (d_sae).</summary>
    public int Width { get; }

    /// <summary>Number of stored (non-zero) entries.</summary>
    public long NonZeros => _features.Length;

    /// <summary>The features of a row that are not zero.</summary>
    public ReadOnlySpan<int> FeaturesOf(int row) => _features.AsSpan(_rowStart[row], _rowStart[row + 1] - _rowStart[row]);

    /// <summary>Their values, in the same order as <see cref="FeaturesOf"/>.</summary>
    public ReadOnlySpan<float> ValuesOf(int row) => _values.AsSpan(_rowStart[row], _rowStart[row + 1] - _rowStart[row]);

    /// <summary>The value of one feature at one row (0 when not stored).</summary>
    public float this[int row, int feature]
    {
        get
        {
            int at = FeaturesOf(row).BinarySearch(feature);
            return at >= 0 ? _values[_rowStart[row] + at] : 0f;
        }
    }

    /// <summary>The non-zero entries of a dense [rows, width] tensor (read in chunks of rows).</summary>
    public static SparseFeatureRows FromDense(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2) throw new ArgumentException($"features must be [positions, features], got [{string.Join(", ", features.shape)}]");
        var builder = new Builder((int)features.shape[1]);
        builder.Append(features);
        return builder.Build();
    }

    /// <summary>Collects rows chunk by chunk, so the dense matrix of all positions never has to exist at once.</summary>
    public sealed class Builder
    {
        private const long ChunkRows = 2048;
        private readonly List<int> _rowStart = [0];
        private readonly List<int> _features = [];
        private readonly List<float> _values = [];

        /// <summary>Starts an empty matrix of <paramref name="width"/> features.</summary>
        public Builder(int width)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
            Width = width;
        }

        /// <summary>Number of features.</summary>
        public int Width { get; }

        /// <summary>Appends the rows of a dense [rows, width] tensor.</summary>
        public void Append(Tensor rows)
        {
            if (rows.dim() != 2 || rows.shape[1] != Width)
                throw new ArgumentException($"rows must be [n, {Width}], got [{string.Join(", ", rows.shape)}]");
            for (long start = 0; start < rows.shape[0]; start += ChunkRows)
            {
                long count = Math.Min(ChunkRows, rows.shape[0] - start);
                using var scope = NewDisposeScope();
                Tensor chunk = rows.narrow(0, start, count).detach().to(ScalarType.Float32).cpu().contiguous();
                ReadOnlySpan<float> data = MemoryMarshal.Cast<byte, float>(chunk.bytes);
                for (int r = 0; r < count; r++)
                {
                    ReadOnlySpan<float> row = data.Slice(r * Width, Width);
                    // Whole vectors of zeros are skipped at once: a row holds a few dozen non-zeros among thousands.
                    int f = 0;
                    for (; f + Vector<float>.Count <= row.Length; f += Vector<float>.Count)
                        if (!Vector.EqualsAll(new Vector<float>(row.Slice(f, Vector<float>.Count)), Vector<float>.Zero)) AddNonZeros(row, f, f + Vector<float>.Count);
                    AddNonZeros(row, f, row.Length);
                    _rowStart.Add(_features.Count);
                }
            }
        }

        private void AddNonZeros(ReadOnlySpan<float> row, int from, int to)
        {
            for (int f = from; f < to; f++)
                if (row[f] != 0f)
                {
                    _features.Add(f);
                    _values.Add(row[f]);
                }
        }

        /// <summary>The matrix of the rows appended so far.</summary>
        public SparseFeatureRows Build() => new(Width, [.. _rowStart], [.. _features], [.. _values]);
    }
}
