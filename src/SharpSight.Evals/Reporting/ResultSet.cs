namespace SharpSight.Evals.Reporting;

/// <summary>
/// Every result file under a folder (searched recursively; the report does not rely on the folder layout), and the
/// same results gathered per dictionary.
/// </summary>
public sealed class ResultSet
{
    /// <summary>The eval types the report shows.</summary>
    public static readonly IReadOnlyList<string> ReportedEvals = ["core", "board", "sparse_probing"];

    private ResultSet(string folder, IReadOnlyList<ResultFile> files)
    {
        Folder = folder;
        Files = files;
        var dictionaries = files
            .Where(f => ReportedEvals.Contains(f.EvalTypeId))
            .GroupBy(f => (f.ReleaseId, f.SaeLensId))
            .Select(g => new DictionaryResults(g.Key.ReleaseId, g.Key.SaeLensId, Latest(g, "core"), Latest(g, "board"), Latest(g, "sparse_probing")))
            .ToArray();
        // The largest group first (usually the trained model's, which the others are compared with), then by name.
        var groupSizes = dictionaries.CountBy(d => d.Group).ToDictionary();
        Dictionaries = dictionaries
            .OrderByDescending(d => groupSizes[d.Group])
            .ThenBy(d => d.Group, StringComparer.Ordinal)
            .ThenBy(d => d.IsLinearProbe)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The folder the files were read from.</summary>
    public string Folder { get; }

    /// <summary>Every result file, in path order (including evals the report does not show).</summary>
    public IReadOnlyList<ResultFile> Files { get; }

    /// <summary>
    /// The dictionaries, ordered by group (larger groups first, then by name), then dictionaries before the linear-probe
    /// row, then by name.
    /// </summary>
    public IReadOnlyList<DictionaryResults> Dictionaries { get; }

    /// <summary>The groups in order.</summary>
    public IReadOnlyList<string> Groups => Dictionaries.Select(d => d.Group).Distinct().ToArray();

    /// <summary>Reads every <c>*.json</c> file under <paramref name="folder"/>.</summary>
    /// <param name="folder">The results folder.</param>
    /// <exception cref="ArgumentException">The folder does not exist.</exception>
    /// <exception cref="ResultFileException">A file is malformed or lacks a required field; the message names it.</exception>
    public static ResultSet Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw new ArgumentException($"results folder '{folder}' does not exist", nameof(folder));
        ResultFile[] files = Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(ResultFile.Load)
            .ToArray();
        return new ResultSet(folder, files);
    }

    // A rerun may leave two files for one dictionary and eval: the newest wins (the later path on a tie: MaxBy keeps the
    // first maximum, so the files are searched from the last).
    private static ResultFile? Latest(IEnumerable<ResultFile> files, string evalTypeId) =>
        files.Where(f => f.EvalTypeId == evalTypeId).Reverse().MaxBy(f => f.DatetimeEpochMillis ?? long.MinValue);
}
