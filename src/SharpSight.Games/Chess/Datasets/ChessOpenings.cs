namespace SharpSight.Games.Chess.Datasets;

/// <summary>
/// Reads opening tables in the lichess-org/chess-openings layout: a header <c>eco	name	pgn</c>, then one tab-separated
/// line per opening with the moves as PGN movetext ("1. e4 e5 2. Nf3"). Every line is replayed, so an illegal move is
/// reported with the file, line and move.
/// </summary>
public static class ChessOpenings
{
    /// <summary>The expected header line.</summary>
    public const string Header = "eco\tname\tpgn";

    /// <summary>Reads one .tsv file, or every *.tsv file of a folder in name order (lichess ships a.tsv … e.tsv).</summary>
    /// <param name="path">A file or a folder.</param>
    /// <exception cref="GameRecordException">A bad header, a line without three fields, or an illegal move.</exception>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>, or a folder without .tsv files.</exception>
    public static IReadOnlyList<ChessOpening> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] files = Directory.Exists(path)
            ? [.. Directory.GetFiles(path, "*.tsv").Order(StringComparer.Ordinal)]
            : File.Exists(path) ? [path] : throw new FileNotFoundException($"opening table '{path}' not found", path);
        if (files.Length == 0) throw new FileNotFoundException($"no .tsv opening tables in '{path}'", path);
        var openings = new List<ChessOpening>();
        foreach (string file in files)
        {
            using var reader = new StreamReader(file);
            openings.AddRange(Read(reader, Path.GetFileName(file)));
        }
        return openings;
    }

    /// <summary>Reads one table from text.</summary>
    /// <param name="reader">The text, header first.</param>
    /// <param name="source">Names the text in error messages.</param>
    /// <exception cref="GameRecordException">A bad header, a line without three fields, or an illegal move.</exception>
    public static IReadOnlyList<ChessOpening> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header?.TrimEnd() != Header)
            throw new GameRecordException($"{source} line 1: header '{header}' is not '{Header.Replace("\t", "<TAB>")}'");
        var openings = new List<ChessOpening>();
        int number = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string[] fields = line.Split('\t');
            if (fields.Length != 3)
                throw new GameRecordException($"{source} line {number}: {fields.Length} tab-separated fields, expected 3 (eco, name, pgn)");
            var moves = Transcript.ParseGame(fields[2], null, $"{source}", number).Moves;
            if (moves.Count == 0) throw new GameRecordException($"{source} line {number}: the opening '{fields[1]}' has no moves");
            openings.Add(new ChessOpening(fields[0], fields[1], moves));
        }
        return openings;
    }
}
