namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// Histogram of log10 feature density over the features that fired at least once (the contract's
/// <c>eval_result_unstructured.density_histogram</c>).
/// </summary>
/// <param name="Log10Edges">B + 1 increasing bin edges in log10 density; bin i is [edge i, edge i + 1), the last bin also
/// holds its right edge.</param>
/// <param name="Counts">B counts of alive features per bin; they sum to the number of alive features.</param>
/// <param name="Dead">Features that never fired.</param>
public sealed record DensityHistogram(IReadOnlyList<double> Log10Edges, IReadOnlyList<long> Counts, long Dead);
