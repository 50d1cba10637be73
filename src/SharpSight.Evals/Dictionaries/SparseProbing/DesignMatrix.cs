using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>
/// The products a logistic-regression solver needs from its feature matrix X [N, d] (float64): X·v, Xᵀ·r and (X²)ᵀ·s.
/// Pooled dictionary latents are mostly zeros, so a sparse matrix keeps only the non-zeros (compressed rows) and its
/// products cost O(non-zeros) instead of O(N·d).
/// </summary>
internal abstract class DesignMatrix
{
    /// <summary>Below this share of non-zeros <see cref="Create"/> stores the matrix sparsely.</summary>
    public const double SparseBelowDensity = 0.2;

    /// <summary>A dense or sparse matrix for <paramref name="x"/> [N, d] (float64, CPU), by its share of non-zeros.</summary>
    public static DesignMatrix Create(Tensor x)
    {
        long nonZeros;
        using (Tensor count = x.count_nonzero()) nonZeros = count.item<long>();
        return nonZeros < SparseBelowDensity * x.numel() ? new Sparse(x) : new Dense(x);
    }

    /// <summary>X·v [N] of v [d].</summary>
    public abstract double[] Times(double[] v);

    /// <summary>Xᵀ·r [d] of r [N].</summary>
    public abstract double[] TransposeTimes(double[] r);

    /// <summary>(X ⊙ X)ᵀ·s [d] of s [N].</summary>
    public abstract double[] SquaresTransposeTimes(double[] s);

    // Products by libtorch (BLAS), tensor by tensor.
    private sealed class Dense(Tensor x) : DesignMatrix
    {
        public override double[] Times(double[] v)
        {
            using var scope = NewDisposeScope();
            return x.mv(tensor(v)).data<double>().ToArray();
        }

        public override double[] TransposeTimes(double[] r)
        {
            using var scope = NewDisposeScope();
            return x.t().mv(tensor(r)).data<double>().ToArray();
        }

        public override double[] SquaresTransposeTimes(double[] s)
        {
            using var scope = NewDisposeScope();
            return x.square().t().mv(tensor(s)).data<double>().ToArray();
        }
    }

    // Compressed sparse rows: row i's entries are _values[_rowStart[i] .. _rowStart[i + 1]) in columns _columns[…].
    private sealed class Sparse : DesignMatrix
    {
        private readonly int _rows, _columns;
        private readonly int[] _rowStart;
        private readonly int[] _column;
        private readonly double[] _values;

        public Sparse(Tensor x)
        {
            _rows = (int)x.shape[0];
            _columns = (int)x.shape[1];
            ReadOnlySpan<double> dense = x.contiguous().data<double>().ToArray();
            _rowStart = new int[_rows + 1];
            var columns = new List<int>();
            var values = new List<double>();
            for (int i = 0; i < _rows; i++)
            {
                ReadOnlySpan<double> row = dense.Slice(i * _columns, _columns);
                for (int j = 0; j < _columns; j++)
                    if (row[j] != 0)
                    {
                        columns.Add(j);
                        values.Add(row[j]);
                    }
                _rowStart[i + 1] = values.Count;
            }
            _column = [.. columns];
            _values = [.. values];
        }

        public override double[] Times(double[] vector)
        {
            var result = new double[_rows];
            for (int i = 0; i < _rows; i++)
            {
                double sum = 0;
                for (int k = _rowStart[i]; k < _rowStart[i + 1]; k++) sum += _values[k] * vector[_column[k]];
                result[i] = sum;
            }
            return result;
        }

        public override double[] TransposeTimes(double[] r) => Scatter(r, square: false);

        public override double[] SquaresTransposeTimes(double[] s) => Scatter(s, square: true);

        private double[] Scatter(double[] weights, bool square)
        {
            var result = new double[_columns];
            for (int i = 0; i < _rows; i++)
            {
                double weight = weights[i];
                if (weight == 0) continue;
                for (int k = _rowStart[i]; k < _rowStart[i + 1]; k++)
                    result[_column[k]] += (square ? _values[k] * _values[k] : _values[k]) * weight;
            }
            return result;
        }
    }
}
