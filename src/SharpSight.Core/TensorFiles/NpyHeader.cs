using System.Globalization;
using System.Text;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// The dictionary literal of a .npy header, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>.
/// Parsed by a small tokenizer that accepts exactly the Python literal subset numpy writes, never by evaluation.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    // numpy leaves room for the growth axis to get longer in place (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS).
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>Formats the dictionary as numpy does: sorted keys, a trailing ", ", and spare spaces after it.</summary>
    public string Format()
    {
        string shape = PythonTuple(Shape);
        string text = $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
        if (Shape.Length > 0)
        {
            long growthDim = FortranOrder ? Shape[^1] : Shape[0];
            text += new string(' ', Math.Max(0, GrowthAxisMaxDigits - growthDim.ToString(CultureInfo.InvariantCulture).Length));
        }
        return text;
    }

    /// <summary>Python's repr of a tuple of ints: (), (3,), (2, 3).</summary>
    public static string PythonTuple(IReadOnlyList<long> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape) + ")",
    };

    /// <summary>Parses the header text; the problem is described for the caller's exception.</summary>
    public static bool TryParse(string text, out NpyHeader? header, out string problem)
    {
        header = null;
        try
        {
            header = new Parser(text).ParseDictionary();
            problem = "";
            return true;
        }
        catch (FormatException error)
        {
            problem = error.Message;
            return false;
        }
    }

    // Recursive descent over: '{' (string ':' value ',')* '}' where value is a string, True/False or a tuple of ints.
    private sealed class Parser(string text)
    {
        private int _at;

        public NpyHeader ParseDictionary()
        {
            Expect('{');
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') break;
                string key = ParseString();
                Expect(':');
                switch (key)
                {
                    case "descr" when descr is null: descr = ParseString(); break;
                    case "fortran_order" when fortran is null: fortran = ParseBool(); break;
                    case "shape" when shape is null: shape = ParseTuple(); break;
                    case "descr" or "fortran_order" or "shape": throw Fail($"header has key '{key}' twice");
                    default: throw Fail($"header has unexpected key {Quote.Name(key)}; expected only 'descr', 'fortran_order' and 'shape'");
                }
                SkipSpace();
                if (Peek() == ',') _at++;
                else if (Peek() != '}') throw Fail($"expected ',' or '}}' at character {_at} of the header");
            }
            _at++;
            SkipSpace();
            if (_at != text.Length) throw Fail($"unexpected text after the dictionary at character {_at} of the header");
            return new NpyHeader(
                descr ?? throw Fail("header has no 'descr' key"),
                fortran ?? throw Fail("header has no 'fortran_order' key"),
                shape ?? throw Fail("header has no 'shape' key"));
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Fail($"expected a quoted string at character {_at} of the header");
            int end = text.IndexOf(quote, _at + 1);
            if (end < 0) throw Fail($"unterminated string at character {_at} of the header");
            string value = text[(_at + 1)..end];
            if (value.Contains('\\')) throw Fail($"escape sequences in header strings are not supported ({Quote.Name(value)})");
            _at = end + 1;
            return value;
        }

        private bool ParseBool()
        {
            SkipSpace();
            if (Matches("True")) return true;
            if (Matches("False")) return false;
            throw Fail($"'fortran_order' must be True or False (at character {_at} of the header)");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var dims = new List<long>();
            bool sawComma = false;
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') break;
                dims.Add(ParseDim(dims.Count));
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    sawComma = true;
                }
                else if (Peek() != ')') throw Fail($"expected ',' or ')' in 'shape' at character {_at} of the header");
            }
            _at++;
            // In Python "(3)" is the int 3, not a tuple, and numpy rejects it.
            if (dims.Count == 1 && !sawComma) throw Fail($"'shape' is ({dims[0]}), which is an int in Python, not a tuple; expected ({dims[0]},)");
            return [.. dims];
        }

        private long ParseDim(int index)
        {
            int start = _at;
            if (Peek() == '-') throw Fail($"'shape' dimension {index} is negative");
            while (char.IsAsciiDigit(Peek())) _at++;
            if (_at == start) throw Fail($"'shape' dimension {index} is not an integer (at character {start} of the header)");
            if (!long.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out long dim))
                throw Fail($"'shape' dimension {index} ({text[start.._at]}) does not fit in 64 bits");
            if (Peek() is 'L' or 'l') _at++; // Python 2 long literals, as old numpy wrote them.
            return dim;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Fail($"expected '{c}' at character {_at} of the header");
            _at++;
        }

        private bool Matches(string word)
        {
            if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0) return false;
            _at += word.Length;
            return true;
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private void SkipSpace()
        {
            while (_at < text.Length && text[_at] is ' ' or '\t' or '\n' or '\r') _at++;
        }

        private static FormatException Fail(string problem) => new(problem);
    }
}
