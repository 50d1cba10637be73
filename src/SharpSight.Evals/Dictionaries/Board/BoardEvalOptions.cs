namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>Settings of the board-state metrics (defaults: Karvonen et al. 2024 and SAE_BoardGameEval's pipeline config).</summary>
public sealed record BoardEvalOptions
{
    /// <summary>
    /// Thresholds t, as fractions of each feature's maximum activation on the training positions: feature f, threshold t
    /// classifies a position as having a property when f(x) &gt; t · max f. The original's list is 0, 0.1, …, 1.0; 1.0 is
    /// left out here because no training position can exceed its own maximum (the original also leaves that row out
    /// when it picks the best reconstruction threshold).
    /// </summary>
    public IReadOnlyList<double> Thresholds { get; init; } = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>A (feature, threshold) is a classifier of a property in board reconstruction when its training precision is at least this.</summary>
    public double MinPrecision { get; init; } = 0.95;

    /// <summary>
    /// … and when it fires at least this many times on training positions where the property holds (the original's
    /// significance threshold on true positives; with precision ≥ 0.95 this is the same as firing at least this often).
    /// </summary>
    public int MinFirings { get; init; } = 10;

    /// <summary>Feature dashboards per dictionary (the features that best classify distinct properties).</summary>
    public int Dashboards { get; init; } = 12;

    /// <summary>Top-activating test positions per dashboard.</summary>
    public int DashboardContexts { get; init; } = 8;

    /// <summary>Bins of each dashboard's activation histogram.</summary>
    public int HistogramBins { get; init; } = 20;

    /// <summary>Games per forward pass when collecting activations.</summary>
    public int BatchGames { get; init; } = 64;

    /// <summary>Checks the settings; a bad one is a one-line <see cref="ArgumentException"/>.</summary>
    public void Validate()
    {
        if (Thresholds is null || Thresholds.Count == 0) throw new ArgumentException("Thresholds must not be empty");
        for (int i = 0; i < Thresholds.Count; i++)
        {
            if (!double.IsFinite(Thresholds[i]) || Thresholds[i] < 0)
                throw new ArgumentException($"Thresholds[{i}] must be a finite number >= 0, got {Thresholds[i]}");
            if (i > 0 && Thresholds[i] <= Thresholds[i - 1])
                throw new ArgumentException($"Thresholds must increase, got {Thresholds[i - 1]} then {Thresholds[i]}");
        }
        if (!(MinPrecision is >= 0 and <= 1)) throw new ArgumentException($"MinPrecision must lie in [0, 1], got {MinPrecision}");
        if (MinFirings < 1) throw new ArgumentException($"MinFirings must be at least 1, got {MinFirings}");
        if (Dashboards < 0) throw new ArgumentException($"Dashboards must not be negative, got {Dashboards}");
        if (DashboardContexts < 1) throw new ArgumentException($"DashboardContexts must be at least 1, got {DashboardContexts}");
        if (HistogramBins < 1) throw new ArgumentException($"HistogramBins must be at least 1, got {HistogramBins}");
        if (BatchGames < 1) throw new ArgumentException($"BatchGames must be at least 1, got {BatchGames}");
    }
}
