using System.Text;

namespace SharpSight.Games.Tests.Chess;

/// <summary>A small RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
public static class Csv
{
    public static IEnumerable<string[]> Read(TextReader reader)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else field.Append((char)c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n')
            {
                row.Add(field.ToString()); field.Clear();
                yield return row.ToArray();
                row.Clear(); any = false;
            }
            else field.Append((char)c);
        }
        if (quoted) throw new InvalidDataException("CSV ends inside a quoted field");
        if (any) { row.Add(field.ToString()); yield return row.ToArray(); }
    }
}
