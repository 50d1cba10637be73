namespace SharpSight.Games.Chess.Datasets;

/// <summary>
/// Brings external game collections into <see cref="ChessGame"/>s for <see cref="ChessGameFile"/>: PGN files (through
/// <see cref="Pgn"/>) and CSV files with a transcript column holding PGN tags and movetext, as the chess-GPT evaluation
/// files do (through <see cref="Transcript"/>). Every game is replayed; games are read lazily.
/// </summary>
public static class ChessGameImport
{
    /// <summary>The CSV column that holds the games.</summary>
    public const string TranscriptColumn = "transcript";

    /// <summary>The games of a file: PGN for ".pgn", CSV for ".csv".</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static IEnumerable<ChessGame> FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".pgn" => FromPgn(path),
            ".csv" => FromCsv(path),
            var other => throw new ArgumentException($"'{path}': cannot import '{other}' files (expected .pgn or .csv)"),
        };
    }

    /// <summary>Every game of a PGN file, with its result.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GameRecordException">During enumeration: a bad move, a result the board contradicts, or a game
    /// that starts from a set-up position (a transcript always starts from the standard one).</exception>
    public static IEnumerable<ChessGame> FromPgn(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadPgn(path);
    }

    private static IEnumerable<ChessGame> ReadPgn(string path)
    {
        string source = Path.GetFileName(path);
        int index = 0;
        foreach (PgnGame game in Pgn.ReadFile(path))
        {
            string where = $"{source} game {++index}";
            if (game.Tag("FEN") is not null && game.StartPosition.ToFen() != Position.StartFen)
                throw new GameRecordException($"{where}: starts from a set-up position (FEN tag); transcripts start from the standard position");
            yield return ChessGame.FromRecord(game.Moves, game.Result, where);
        }
    }

    /// <summary>
    /// Every row of a CSV file with a <see cref="TranscriptColumn"/> column. The result is the row's "result" column when
    /// it holds a valid one, else the transcript's own (result token or Result tag): the chess-GPT files put a fixed
    /// prompt header, with a made-up Result tag, before the moves of every game.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GameRecordException">During enumeration: no transcript column, a row with the wrong number of
    /// fields, a bad move (named by file line), or a result the board contradicts.</exception>
    public static IEnumerable<ChessGame> FromCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadCsv(path);
    }

    private static IEnumerable<ChessGame> ReadCsv(string path)
    {
        string source = Path.GetFileName(path);
        using var reader = new StreamReader(path);
        using IEnumerator<CsvRow> rows = Csv.Read(reader, source).GetEnumerator();
        if (!rows.MoveNext()) throw new GameRecordException($"{source}: empty file, expected a header with a '{TranscriptColumn}' column");
        var header = rows.Current.Fields.Select(f => f.Trim()).ToList();
        int transcript = header.IndexOf(TranscriptColumn), result = header.IndexOf("result");
        if (transcript < 0)
            throw new GameRecordException($"{source} line 1: no '{TranscriptColumn}' column (columns: {string.Join(", ", header)})");
        while (rows.MoveNext())
        {
            CsvRow row = rows.Current;
            if (row.Fields.Count == 1 && row.Fields[0].Length == 0) continue; // a blank line
            if (row.Fields.Count != header.Count)
                throw new GameRecordException($"{source} line {row.Line}: {row.Fields.Count} fields, the header has {header.Count}");
            PgnGame game = Transcript.ParseGame(row.Fields[transcript], null, source, row.FieldLines[transcript]);
            string outcome = result >= 0 && ChessResults.IsValid(row.Fields[result].Trim()) ? row.Fields[result].Trim() : game.Result;
            yield return ChessGame.FromRecord(game.Moves, outcome, $"{source} line {row.Line}");
        }
    }
}
