namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>The best classifier of one property.</summary>
/// <param name="Property">Its name, e.g. "mine d3".</param>
/// <param name="Group">Its group, e.g. "mine".</param>
/// <param name="Scored">Whether it counts in board reconstruction and the headline coverage.</param>
/// <param name="Feature">The feature of the best (feature, threshold); null when no feature ever fires on it, and for predictions (the linear probe).</param>
/// <param name="Threshold">The threshold of the best (feature, threshold); null as for <paramref name="Feature"/>.</param>
/// <param name="F1">The best F1 (NaN when the property never holds).</param>
/// <param name="Precision">Precision of that classifier (0 when it never fires).</param>
/// <param name="Recall">Its recall (NaN when the property never holds).</param>
/// <param name="Positives">Positions where the property holds, on the split the F1 was measured on.</param>
public sealed record PropertyScore(string Property, string Group, bool Scored, int? Feature, double? Threshold, double F1, double Precision, double Recall, long Positives);

/// <summary>Board-state metrics of one dictionary (or of a reference row of predictions).</summary>
/// <param name="Coverage">Mean over scored properties that hold somewhere of the best F1.</param>
/// <param name="BoardReconstruction">Best over thresholds of the mean over test positions of the F1 of the predicted against the true set of scored properties.</param>
/// <param name="ReconstructionThreshold">The threshold of <paramref name="BoardReconstruction"/> (null for predictions).</param>
/// <param name="Properties">Properties averaged in <paramref name="Coverage"/>.</param>
/// <param name="AliveFeatures">Features that are positive on at least one training position (null for predictions).</param>
/// <param name="Classifiers">(feature, threshold, property) triples accepted as classifiers for reconstruction (null for predictions).</param>
/// <param name="CoverageByGroup">Per group, the mean best F1 of its properties that hold somewhere (NaN when none does).</param>
/// <param name="ReconstructionByThreshold">Board reconstruction at each threshold (one entry for predictions).</param>
/// <param name="PerProperty">Every property's best classifier, in property order.</param>
/// <param name="CoverageOriginal">
/// Coverage by SAE_BoardGameEval's code, the formula behind the paper's Table 1: one threshold shared by all properties
/// (the best), at it each scored property's best F1 over features (0 when it never holds), summed and divided by
/// <see cref="BoardProperties.CoverageSlots"/> (Othello: 192, so at most 2/3).
/// </param>
/// <param name="CoverageOriginalThreshold">The shared threshold of <paramref name="CoverageOriginal"/> (null for predictions).</param>
/// <param name="BoardReconstructionPooled">
/// Board reconstruction by the original code's aggregation: true positives, predictions and actual scored properties
/// pooled over all test positions into one F1, best over thresholds.
/// </param>
public sealed record BoardMetrics(
    double Coverage,
    double BoardReconstruction,
    double? ReconstructionThreshold,
    int Properties,
    int? AliveFeatures,
    long? Classifiers,
    IReadOnlyDictionary<string, double> CoverageByGroup,
    IReadOnlyList<double> ReconstructionByThreshold,
    IReadOnlyList<PropertyScore> PerProperty,
    double CoverageOriginal,
    double? CoverageOriginalThreshold,
    double BoardReconstructionPooled);
