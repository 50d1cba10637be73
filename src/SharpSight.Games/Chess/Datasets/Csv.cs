using System.Text;

namespace SharpSight.Games.Chess.Datasets;

/// <summary>One record of a CSV file.</summary>
/// <param name="Line">The 1-based line the record starts on.</param>
/// <param name="Fields">The fields, unquoted.</param>
/// <param name="FieldLines">The line each field starts on (a quoted field may span lines).</param>
public sealed record CsvRow(int Line, IReadOnlyList<string> Fields, IReadOnlyList<int> FieldLines);

/// <summary>
/// A streaming RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes and line breaks (the chess-GPT
/// evaluation files keep whole PGN headers in one field). Records are read one at a time.
/// </summary>
public static class Csv
{
    /// <summary>Streams the records of CSV text, the header included.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">Names the text in error messages.</param>
    /// <exception cref="GameRecordException">The text ends inside a quoted field (thrown during enumeration).</exception>
    public static IEnumerable<CsvRow> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        return ReadText(reader, source);
    }

    private static IEnumerable<CsvRow> ReadText(TextReader reader, string source)
    {
        var fields = new List<string>();
        var lines = new List<int>();
        var field = new StringBuilder();
        int line = 1, rowLine = 1, fieldLine = 1, quoteLine = 0;
        bool quoted = false, any = false;
        for (int c = reader.Read(); c >= 0; c = reader.Read())
        {
            any = true;
            if (c == '\n') line++;
            if (quoted)
            {
                if (c != '"') field.Append((char)c);
                else if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                else quoted = false;
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; quoteLine = line; break;
                case ',': EndField(); fieldLine = line; break;
                case '\r': break;
                case '\n':
                    EndField();
                    yield return new CsvRow(rowLine, [.. fields], [.. lines]);
                    fields.Clear(); lines.Clear();
                    rowLine = fieldLine = line;
                    any = false;
                    break;
                default: field.Append((char)c); break;
            }
        }
        if (quoted) throw new GameRecordException($"{source} line {quoteLine}: the file ends inside the quoted field opened here");
        if (any)
        {
            EndField();
            yield return new CsvRow(rowLine, [.. fields], [.. lines]);
        }

        void EndField()
        {
            fields.Add(field.ToString());
            lines.Add(fieldLine);
            field.Clear();
        }
    }
}
