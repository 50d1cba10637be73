namespace SharpSight.Evals.Reporting;

/// <summary>The results of one dictionary (or the board's linear-probe reference row) in one group, one file per eval at most.</summary>
public sealed class DictionaryResults
{
    internal DictionaryResults(string group, string name, ResultFile? core, ResultFile? board, ResultFile? sparseProbing)
    {
        Group = group;
        Name = name;
        Core = core;
        Board = board;
        SparseProbing = sparseProbing;
    }

    /// <summary>The group (sae_lens_release_id), e.g. "trained" or "random-init"; empty when the files have none.</summary>
    public string Group { get; }

    /// <summary>The dictionary's name (sae_lens_id).</summary>
    public string Name { get; }

    /// <summary>The core eval's result, or null.</summary>
    public ResultFile? Core { get; }

    /// <summary>The board eval's result, or null.</summary>
    public ResultFile? Board { get; }

    /// <summary>The sparse-probing eval's result, or null.</summary>
    public ResultFile? SparseProbing { get; }

    /// <summary>The files present, in the order core, board, sparse probing.</summary>
    public IEnumerable<ResultFile> Files => new[] { Core, Board, SparseProbing }.OfType<ResultFile>();

    /// <summary>The architecture from the first file that names one, or null.</summary>
    public string? Architecture => Files.Select(f => f.Architecture).FirstOrDefault(a => a is not null);

    /// <summary>The width (d_sae) from the first file that gives one, or null.</summary>
    public long? Width => Files.Select(f => f.Width).FirstOrDefault(w => w is not null);

    /// <summary>Whether this is the board eval's linear-probe reference row rather than a dictionary.</summary>
    public bool IsLinearProbe => Name == "linear-probe" || Architecture == "linear_probe";
}
