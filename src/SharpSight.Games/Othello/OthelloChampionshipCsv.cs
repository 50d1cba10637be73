using System.Globalization;

namespace SharpSight.Games.Othello;

/// <summary>One game of the eOthello championship CSV.</summary>
/// <param name="Index">0-based index of the game in the file.</param>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Id">The eOthello game id (also <see cref="OthelloGame.Id"/> of <paramref name="Game"/>).</param>
/// <param name="Winner">The winner column: 1 black, -1 white, 0 draw.</param>
/// <param name="Game">The replayed game.</param>
public sealed record OthelloChampionshipRecord(int Index, int Line, string Id, OthelloOutcome Winner, OthelloGame Game)
{
    /// <summary>Whether the winner column agrees with the final disc count.</summary>
    public bool WinnerMatchesDiscCount => Winner == Game.Outcome;
}

/// <summary>
/// Reads the eOthello championship CSV (Kaggle "othello-games"): header <c>eOthello_game_id,winner,game_moves</c>, then
/// one game per line with the winner as 1 / -1 / 0 and the moves as a concatenated-squares transcript
/// (<see cref="OthelloTranscript"/>). Games are read and replayed lazily, one line at a time.
/// </summary>
public static class OthelloChampionshipCsv
{
    /// <summary>The expected header line.</summary>
    public const string Header = "eOthello_game_id,winner,game_moves";

    /// <summary>Streams the games of a file; the file is opened when enumeration starts.</summary>
    /// <param name="path">The CSV file.</param>
    /// <exception cref="GameRecordException">A malformed line or an illegal game (thrown during enumeration).</exception>
    public static IEnumerable<OthelloChampionshipRecord> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFile(path);
    }

    private static IEnumerable<OthelloChampionshipRecord> ReadFile(string path)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        foreach (var record in Read(reader, Path.GetFileName(path))) yield return record;
    }

    /// <summary>Streams the games of CSV text.</summary>
    /// <param name="reader">The text, starting with the header line.</param>
    /// <param name="source">Names the text in error messages (e.g. the file name).</param>
    /// <exception cref="GameRecordException">A malformed line or an illegal game (thrown during enumeration).</exception>
    public static IEnumerable<OthelloChampionshipRecord> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        return ReadText(reader, source);
    }

    private static IEnumerable<OthelloChampionshipRecord> ReadText(TextReader reader, string source)
    {
        string? header = reader.ReadLine();
        if (header is null) throw new GameRecordException($"{source}: empty file, expected the header '{Header}'");
        if (header.Trim() != Header)
            throw new GameRecordException($"{source}, line 1: header '{Shorten(header)}' is not '{Header}'");
        int lineNumber = 1, index = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.AsSpan().Trim().IsEmpty) continue;
            yield return ParseLine(line, source, lineNumber, index++);
        }
    }

    private static OthelloChampionshipRecord ParseLine(string line, string source, int lineNumber, int index)
    {
        ReadOnlySpan<char> text = line;
        int first = text.IndexOf(',');
        int second = first < 0 ? -1 : text[(first + 1)..].IndexOf(',');
        if (second < 0)
            throw new GameRecordException($"{source}, line {lineNumber}, game {index}: '{Shorten(line)}' does not have 3 comma-separated fields");
        second += first + 1;
        string id = text[..first].Trim().ToString();
        ReadOnlySpan<char> winnerText = text[(first + 1)..second].Trim();
        string where = $"{source}, line {lineNumber}, game {index} (id {id})";
        if (!int.TryParse(winnerText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int winner) || winner is < -1 or > 1)
            throw new GameRecordException($"{where}: winner '{Shorten(winnerText.ToString())}' is not 1, -1 or 0");
        ReadOnlySpan<char> moves = text[(second + 1)..];
        if (moves.Contains(','))
            throw new GameRecordException($"{where}: '{Shorten(line)}' has more than 3 fields");
        OthelloGame game = OthelloTranscript.Parse(moves, where, id);
        return new OthelloChampionshipRecord(index, lineNumber, id, (OthelloOutcome)winner, game);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
