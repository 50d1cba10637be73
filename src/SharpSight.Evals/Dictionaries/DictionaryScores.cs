using System.Globalization;
using SharpSight.Evals.Reporting;

namespace SharpSight.Evals.Dictionaries;

/// <summary>The evaluations a dictionary can get.</summary>
[Flags]
public enum DictionaryEvaluations
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>SAEBench core: sparsity, reconstruction, downstream loss, feature density and geometry.</summary>
    Core = 1,
    /// <summary>Board-state metrics: feature-as-classifier coverage and board reconstruction (board-game models).</summary>
    Board = 2,
    /// <summary>SAEBench sparse probing.</summary>
    Probing = 4,
    /// <summary>All three.</summary>
    All = Core | Board | Probing,
}

/// <summary>Parsing of evaluation lists.</summary>
public static class DictionaryEvaluationNames
{
    /// <summary>Parses "core,board,probing" (any subset, any order; "all" for every one).</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static DictionaryEvaluations Parse(string text)
    {
        var chosen = DictionaryEvaluations.None;
        foreach (string name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            chosen |= name.ToLowerInvariant() switch
            {
                "core" => DictionaryEvaluations.Core,
                "board" => DictionaryEvaluations.Board,
                "probing" or "sparse_probing" or "sparse-probing" => DictionaryEvaluations.Probing,
                "all" => DictionaryEvaluations.All,
                _ => throw new ArgumentException($"--evals: unknown evaluation '{name}' (known: core, board, probing, all)"),
            };
        return chosen == DictionaryEvaluations.None ? throw new ArgumentException($"--evals: no evaluation named in '{text}'") : chosen;
    }
}

/// <summary>
/// The headline numbers of one dictionary (or reference probe) across its result files, for the summary table the CLI
/// prints. Read from the files, so a resumed evaluation reports what earlier runs wrote.
/// </summary>
/// <param name="Release">Group, e.g. "trained" or "random-init".</param>
/// <param name="Id">Dictionary name.</param>
/// <param name="L0">core: mean active features.</param>
/// <param name="ExplainedVariance">core: fraction of variance explained.</param>
/// <param name="LossRecovered">core: ce_loss_score.</param>
/// <param name="Coverage">board: coverage.</param>
/// <param name="Reconstruction">board: board reconstruction.</param>
/// <param name="CoverageOriginal">board: coverage by the original code's formula (the paper's Table 1 scale).</param>
/// <param name="ReconstructionPooled">board: board reconstruction pooled over positions, as the original code computes it.</param>
/// <param name="ProbeTop1">sparse probing: top-1 latent accuracy.</param>
/// <param name="ProbeTop5">sparse probing: top-5 latent accuracy.</param>
public sealed record DictionaryScores(string Release, string Id, double? L0, double? ExplainedVariance, double? LossRecovered,
    double? Coverage, double? Reconstruction, double? CoverageOriginal, double? ReconstructionPooled, double? ProbeTop1, double? ProbeTop5)
{
    /// <summary>The scores of one subject from the result files in <paramref name="resultsFolder"/> (missing ones are null).</summary>
    /// <exception cref="ResultFileException">A result file is damaged (the one-line message names it).</exception>
    public static DictionaryScores Read(string resultsFolder, ResultSubject subject)
    {
        ResultFile? Load(string evalType)
        {
            string path = EvalResultFile.PathFor(resultsFolder, evalType, subject);
            return File.Exists(path) ? ResultFile.Load(path) : null;
        }
        ResultFile? core = Load("core"), board = Load("board"), probing = Load("sparse_probing");
        return new DictionaryScores(subject.Release, subject.Id,
            core?.Metric("sparsity", "l0"), core?.Metric("reconstruction_quality", "explained_variance"), core?.Metric("model_performance_preservation", "ce_loss_score"),
            board?.Metric("board", "coverage"), board?.Metric("board", "board_reconstruction"),
            board?.Metric("board", "coverage_original"), board?.Metric("board", "board_reconstruction_pooled"),
            probing?.Metric("sae", "sae_top_1_test_accuracy"), probing?.Metric("sae", "sae_top_5_test_accuracy"));
    }

    /// <summary>Writes the rows as an aligned table ("—" where an evaluation is missing).</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<DictionaryScores> rows)
    {
        static string Cell(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
        output.WriteLine($"   {"group",-12} {"dictionary",-18} {"L0",7} {"FVE",6} {"loss rec.",9} {"coverage",8} {"board rec.",10} {"orig. cov.",10} {"pooled rec.",11} {"probe top-1",11} {"top-5",6}");
        foreach (DictionaryScores row in rows)
            output.WriteLine($"   {row.Release,-12} {row.Id,-18} {Cell(row.L0, "F1"),7} {Cell(row.ExplainedVariance, "F3"),6} {Cell(row.LossRecovered, "F3"),9} " +
                $"{Cell(row.Coverage, "F3"),8} {Cell(row.Reconstruction, "F3"),10} {Cell(row.CoverageOriginal, "F3"),10} {Cell(row.ReconstructionPooled, "F3"),11} {Cell(row.ProbeTop1, "F3"),11} {Cell(row.ProbeTop5, "F3"),6}");
    }
}
