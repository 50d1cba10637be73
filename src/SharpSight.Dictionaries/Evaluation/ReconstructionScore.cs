using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Evaluation;

/// <summary>
/// How well a dictionary, as saved (its inference rule: BatchTopK's threshold, JumpReLU's, TopK's k), reconstructs a set of
/// activations it was not trained on.
/// </summary>
/// <param name="Activations">Rows scored.</param>
/// <param name="L0">Mean number of non-zero features per row.</param>
/// <param name="FractionOfVarianceExplained">1 − Σ_d Var(x − x̂) / Σ_d Var(x), variances over all rows scored.</param>
/// <param name="MeanSquaredError">Mean over rows of ‖x − x̂‖².</param>
/// <param name="RelativeSquaredError">Σ‖x − x̂‖² / Σ‖x‖².</param>
public sealed record ReconstructionScore(long Activations, double L0, double FractionOfVarianceExplained, double MeanSquaredError, double RelativeSquaredError)
{
    /// <summary>Scores <paramref name="dictionary"/> on every batch [rows, d_in] of <paramref name="batches"/> (not disposed).</summary>
    public static ReconstructionScore Measure(SparseDictionary dictionary, IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        using var tally = new ReconstructionTally(dictionary);
        foreach (Tensor batch in batches) tally.Add(batch);
        return tally.Score();
    }
}

/// <summary>
/// Running sums behind a <see cref="ReconstructionScore"/>, so that several dictionaries can be scored on one pass over
/// a model's activations. Sums are kept per dimension in float64, so the variances are over all rows added, not averaged
/// batch by batch.
/// </summary>
public sealed class ReconstructionTally : IDisposable
{
    private readonly SparseDictionary _dictionary;
    private readonly Tensor _sumX, _sumSquaresX, _sumError, _sumSquaresError;
    private long _rows;
    private double _active;

    /// <summary>An empty tally for <paramref name="dictionary"/> (not owned).</summary>
    public ReconstructionTally(SparseDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        _dictionary = dictionary;
        int inputSize = dictionary.Config.InputSize;
        _sumX = zeros(inputSize, dtype: ScalarType.Float64);
        _sumSquaresX = zeros(inputSize, dtype: ScalarType.Float64);
        _sumError = zeros(inputSize, dtype: ScalarType.Float64);
        _sumSquaresError = zeros(inputSize, dtype: ScalarType.Float64);
    }

    /// <summary>Encodes and decodes one batch [rows, d_in] and adds it to the sums.</summary>
    public void Add(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int inputSize = _dictionary.Config.InputSize;
        if (batch.dim() != 2 || batch.shape[1] != inputSize)
            throw new ArgumentException($"a batch of shape [{string.Join(", ", batch.shape)}] does not fit a dictionary of d_in {inputSize}");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = batch.to(ScalarType.Float32);
        DictionaryOutput output = _dictionary.Forward(x);
        Tensor x64 = x.to(ScalarType.Float64), error = (x - output.Reconstruction).to(ScalarType.Float64);
        _sumX.add_(x64.sum(0L));
        _sumSquaresX.add_(x64.square().sum(0L));
        _sumError.add_(error.sum(0L));
        _sumSquaresError.add_(error.square().sum(0L));
        _active += output.Features.ne(0).sum().item<long>();
        _rows += x.shape[0];
    }

    /// <summary>The score of the rows added so far.</summary>
    public ReconstructionScore Score()
    {
        if (_rows < 2) throw new InvalidOperationException($"at least two activations are needed to score a dictionary, got {_rows}");
        double totalVariance = Variance(_sumX, _sumSquaresX), residualVariance = Variance(_sumError, _sumSquaresError);
        double squaredError = _sumSquaresError.sum().item<double>(), squaredNorm = _sumSquaresX.sum().item<double>();
        return new ReconstructionScore(_rows, _active / _rows, 1 - residualVariance / totalVariance, squaredError / _rows, squaredError / squaredNorm);
    }

    // Σ_d of the population variance of each dimension, from its sum and sum of squares.
    private double Variance(Tensor sum, Tensor sumSquares)
    {
        using var scope = NewDisposeScope();
        Tensor mean = sum / _rows;
        return (sumSquares / _rows - mean.square()).sum().item<double>();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sumX.Dispose();
        _sumSquaresX.Dispose();
        _sumError.Dispose();
        _sumSquaresError.Dispose();
    }
}
