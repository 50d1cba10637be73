using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// Running sums for SAEBench's reconstruction, shrinkage and sparsity metrics of one dictionary, over rows x [N, d] with
/// their reconstructions x̂ [N, d] and features f [N, F]. Every row counts once whatever batch it came in, except in
/// <see cref="ExplainedVarianceLegacy"/>, which is batch-dependent by definition. All sums are float64 whatever the
/// input dtype; per-row values are computed in float64 too (feature sums in the features' own dtype).
/// </summary>
/// <remarks>
/// Definitions (means over all N rows added; ‖·‖ is the Euclidean norm):
/// <list type="bullet">
/// <item><c>l0</c> = mean #{j : f_j ≠ 0}.</item>
/// <item><c>l1</c> = mean Σ_j |f_j|. SAEBench sums the signed features; the two agree for the non-negative features
/// of every architecture here.</item>
/// <item><c>mse</c> = mean ‖x − x̂‖² (squared error summed over dimensions, averaged over rows). SAEBench divides each row's
/// squared error by the batch's row count and then averages over rows, i.e. reports this value divided by its batch size;
/// that factor is a batch-size artefact, so it is left out here (this is also SharpSight's ReconstructionScore.MeanSquaredError).</item>
/// <item><c>cossim</c> = mean x·x̂ / (‖x‖ ‖x̂‖), each norm clamped below at 1e-8 so a zero row scores 0 (SAEBench: NaN).</item>
/// <item><c>l2_norm_in</c> = mean ‖x‖; <c>l2_norm_out</c> = mean ‖x̂‖.</item>
/// <item><c>l2_ratio</c> = mean ‖x̂‖ / ‖x‖, where a row with ‖x‖ &lt; 1e-4 divides by 1 instead (as SAEBench).</item>
/// <item><c>relative_reconstruction_bias</c> γ = Σ‖x̂‖² / Σ x·x̂ over all rows (Gated SAE paper, eq. 10: the factor x̂
/// would need to be divided by to best fit x; &lt; 1 means shrinkage). SAEBench takes this ratio per batch and averages the
/// batches; with running sums it is one ratio over all rows (equal for a single batch).</item>
/// <item><c>explained_variance</c> = 1 − Σ‖x − x̂‖² / Σ‖x − μ‖², μ the mean row over all N rows, with
/// Σ‖x − μ‖² = Σ‖x‖² − N‖μ‖² from float64 per-dimension sums. (SAEBench's batched formula subtracts the square of the mean
/// of x_d² instead of ‖μ‖² and is not used.)</item>
/// <item><c>explained_variance_legacy</c> = mean over rows of 1 − ‖x − x̂‖² / ‖x − μ_b‖², μ_b the mean row of that row's
/// own batch (SAEBench's "legacy" value: a per-row ratio, so it depends on the batching and is NaN/∞ for a row equal to its
/// batch mean, e.g. a one-row batch).</item>
/// </list>
/// </remarks>
public sealed class ReconstructionStatistics
{
    private double[]? _sumX;
    private double _sumSquaresX, _sumSquaredError, _sumActive, _sumAbsFeatures, _sumCosine, _sumNormIn, _sumNormOut, _sumRatio;
    private double _sumSquaresReconstruction, _sumDot, _sumLegacy;

    /// <summary>Rows added.</summary>
    public long Rows { get; private set; }

    /// <summary>Mean number of non-zero features per row.</summary>
    public double L0 => _sumActive / Rows;

    /// <summary>Mean Σ_j |f_j| per row.</summary>
    public double L1 => _sumAbsFeatures / Rows;

    /// <summary>Mean ‖x − x̂‖² per row (see the class remarks for SAEBench's batch-size factor).</summary>
    public double MeanSquaredError => _sumSquaredError / Rows;

    /// <summary>Mean cosine similarity of x and x̂.</summary>
    public double CosineSimilarity => _sumCosine / Rows;

    /// <summary>Mean ‖x‖.</summary>
    public double L2NormIn => _sumNormIn / Rows;

    /// <summary>Mean ‖x̂‖.</summary>
    public double L2NormOut => _sumNormOut / Rows;

    /// <summary>Mean ‖x̂‖ / ‖x‖ (divisor 1 where ‖x‖ &lt; 1e-4).</summary>
    public double L2Ratio => _sumRatio / Rows;

    /// <summary>γ = Σ‖x̂‖² / Σ x·x̂.</summary>
    public double RelativeReconstructionBias => _sumSquaresReconstruction / _sumDot;

    /// <summary>1 − Σ‖x − x̂‖² / Σ‖x − μ‖², μ the mean over all rows added.</summary>
    public double ExplainedVariance
    {
        get
        {
            if (_sumX is null) return double.NaN;
            double meanSquaredNorm = _sumX.Sum(s => (s / Rows) * (s / Rows));
            return 1 - _sumSquaredError / (_sumSquaresX - Rows * meanSquaredNorm);
        }
    }

    /// <summary>Mean over rows of 1 − ‖x − x̂‖² / ‖x − μ_batch‖² (SAEBench legacy, batch-dependent).</summary>
    public double ExplainedVarianceLegacy => _sumLegacy / Rows;

    /// <summary>Adds one batch of rows.</summary>
    /// <param name="x">Activations [N, d] (not disposed).</param>
    /// <param name="reconstruction">x̂ [N, d] (not disposed).</param>
    /// <param name="features">f [N, F] (not disposed).</param>
    public void Add(Tensor x, Tensor reconstruction, Tensor features)
    {
        CheckShapes(x, reconstruction, features);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor input = x.detach().cpu().to(ScalarType.Float64);
        Tensor output = reconstruction.detach().cpu().to(ScalarType.Float64);
        Tensor f = features.detach().cpu();

        Tensor squaredError = (input - output).square().sum(1L);
        Tensor squaresIn = input.square().sum(1L), squaresOut = output.square().sum(1L);
        Tensor normIn = squaresIn.sqrt(), normOut = squaresOut.sqrt();
        Tensor dot = (input * output).sum(1L);
        Tensor divisor = where(normIn.lt(1e-4), ones_like(normIn), normIn);
        Tensor deviation = (input - input.mean([0L], keepdim: true)).square().sum(1L);

        _sumX ??= new double[x.shape[1]];
        double[] columnSums = input.sum(0L).data<double>().ToArray();
        for (int j = 0; j < columnSums.Length; j++) _sumX[j] += columnSums[j];
        _sumSquaresX += Total(squaresIn);
        _sumSquaredError += Total(squaredError);
        _sumSquaresReconstruction += Total(squaresOut);
        _sumDot += Total(dot);
        _sumNormIn += Total(normIn);
        _sumNormOut += Total(normOut);
        _sumRatio += Total(normOut / divisor);
        _sumCosine += Total(dot / (normIn.clamp_min(1e-8) * normOut.clamp_min(1e-8)));
        _sumLegacy += Total(1 - squaredError / deviation);
        _sumActive += f.ne(0).sum().item<long>();
        _sumAbsFeatures += Total(f.abs().sum(1L));
        Rows += x.shape[0];
    }

    private static double Total(Tensor perRow) => perRow.to(ScalarType.Float64).sum().item<double>();

    private void CheckShapes(Tensor x, Tensor reconstruction, Tensor features)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(reconstruction);
        ArgumentNullException.ThrowIfNull(features);
        if (x.dim() != 2 || x.shape[0] == 0)
            throw new ArgumentException($"x must be [rows, d] with at least one row, got [{string.Join(", ", x.shape)}]", nameof(x));
        if (!reconstruction.shape.SequenceEqual(x.shape))
            throw new ArgumentException($"reconstruction must have x's shape [{string.Join(", ", x.shape)}], got [{string.Join(", ", reconstruction.shape)}]", nameof(reconstruction));
        if (features.dim() != 2 || features.shape[0] != x.shape[0])
            throw new ArgumentException($"features must be [{x.shape[0]}, F], got [{string.Join(", ", features.shape)}]", nameof(features));
        if (_sumX is not null && _sumX.Length != x.shape[1])
            throw new ArgumentException($"x has d {x.shape[1]} but earlier batches had d {_sumX.Length}", nameof(x));
    }
}
