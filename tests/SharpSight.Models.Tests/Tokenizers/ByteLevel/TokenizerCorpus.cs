using System.Text;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>
/// Seeded random test strings for tokenizers: words in many scripts, emoji (skin tones, ZWJ families, flags, keycaps),
/// combining marks and decomposed text, whitespace runs (spaces, tabs, newlines, CRLF, NBSP, ideographic space, U+2028,
/// U+0085), digits, English contractions in both cases, punctuation, code, URLs, supplementary-plane letters and digits,
/// and random code points. About a quarter of the strings are pure ASCII. The same (count, seed) always gives the same
/// strings.
/// </summary>
public static class TokenizerCorpus
{
    public static readonly string[] AsciiWords =
    [
        "Hello", "world", "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "THE", "Tokenizer", "interpretability",
        "a", "I", "x", "GPT", "neuron", "attention", "residual", "stream", "superposition", "don", "won", "can", "it", "they",
        "antidisestablishmentarianism", "HTTPServer", "camelCaseIdentifier", "snake_case_name", "iPhone", "McDonald", "O", "Z",
        "aaaaaaaaaaaaaaaaaaaa", "zzzz", "Mississippi", "ababababab",
    ];

    public static readonly string[] ScriptWords =
    [
        "naïve", "café", "Straße", "façade", "Ærøskøbing", "Ångström", "Żółć", "Čeština", "İstanbul", "ıi", "ǅemal",
        "Привет", "мир", "ЁЖИК", "Καλημέρα", "κόσμε", "ΣΊΣΥΦΟΣ", "مرحبا", "بالعالم", "שלום", "עולם", "नमस्ते", "दुनिया",
        "স্বাগতম", "வணக்கம்", "ಕನ್ನಡ", "สวัสดีชาวโลก", "ລາວ", "မြန်မာ", "ខ្មែរ", "你好", "世界", "漢字仮名交じり文", "こんにちは",
        "カタカナ", "ｶﾀｶﾅ", "안녕하세요", "세계", "გამარჯობა", "Բարեւ", "ሰላም", "ᐊᐃᓐᓇᐅᓯᖅ", "ᚠᚢᚦ", "ꦗꦮ", "Tiếng Việt", "ﬁnance", "Ⅻ",
    ];

    public static readonly string[] Emoji =
    [
        "😀", "😂", "🤖", "👍", "👍🏽", "👋🏿", "👨‍👩‍👧‍👦", "👩🏿‍💻", "🧑‍🤝‍🧑", "🏳️‍🌈", "🏴‍☠️", "🇺🇸", "🇯🇵", "❤️", "✨", "☃", "1️⃣", "#️⃣",
        "🙇‍♀️", "🫠", "🦀", "🐍", "💯", "©", "™",
    ];

    public static readonly string[] Combining =
    [
        "e\u0301", "a\u0308", "n\u0303", "o\u0302\u0323", "Z\u0351\u0364\u0308\u0302", "\u0915\u094D\u0937", "\u1100\u1161\u11A8",
        "A\u030A", "\u0041\u0300\u0301\u0302", "i\u0307", "\u05D1\u05BC", "\u0627\u0653", "q\u0307\u0323", "\u0301", "\u20DD",
    ];

    public static readonly string[] Whitespace =
    [
        " ", "  ", "   ", "    ", "        ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", " \n", "\n ", " \t\n ",
        "\u00A0", "\u3000", "\u2028", "\u2029", "\u0085", "\u2003", "\u202F", "\u000B", "\u000C", "\u200B", " \u00A0 ", "\t \t",
    ];

    public static readonly string[] Contractions =
    [
        "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'VE", "'M", "'LL", "'D", "'Ll", "’s", "''", "'",
        "n't", "'x", "'sup", "'tis",
    ];

    public static readonly string[] Punctuation =
    [
        ".", ",", "!", "?", "!?", "...", ";", ":", "-", "--", "—", "–", "(", ")", "[", "]", "{", "}", "\"", "«", "»", "“", "”", "#",
        "@", "$", "%", "^", "&", "*", "+", "=", "<", ">", "/", "\\", "|", "~", "`", "_", "¿", "¡", "§", "€", "£", "¥", "•", "…",
        "<|", "|>", "<|endoftext", "endoftext|>",
    ];

    public static readonly string[] Code =
    [
        "def f(x):\n    return x ** 2\n", "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}", "<div class=\"note\">Hi</div>",
        "SELECT * FROM users WHERE id = 42;", "x => x * 2", "#include <stdio.h>", "if (a && b || !c) { return; }",
        "var dict = new Dictionary<string, int>();", "    indented\n        more\n", "let s = \"a\\tb\\n\";", "// comment",
        "/* block */", "fn main() { println!(\"{}\", 1); }", "$ ls -la | grep .cs", "x[0]+=1", "{\"key\": [1, 2.5, null]}",
        "@@ -1,3 +1,4 @@", "0x1F600", "a_b__c___d",
    ];

    public static readonly string[] Urls =
    [
        "https://example.com/path?q=1&r=two#frag", "http://localhost:8080/", "user.name+tag@example.org", "www.test.co.uk/a_b-c",
        "ftp://files.example.net/pub/file.tar.gz", "https://huggingface.co/gpt2/resolve/main/tokenizer.json",
    ];

    public static readonly string[] Supplementary =
    [
        "𝐀𝐁𝐂", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠀀𠀁", "𐍈", "𐌰𐌱", "𝟘𝟙𝟚", "𝟏𝟐", "𑁦", "𝒜", "a𝐀b", "1𝟙2",
    ];

    public static readonly string[] AsciiAtoms =
    [
        .. AsciiWords, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", ".", ",", "!", "?", "...", "(", ")", "\"", "#", "$",
        "%", "&", "*", "-", "/", ":", ";", "<", ">", "@", "[", "]", "_", "{", "}", "|", "~", "`", "^", "\\", "+", "=", " ", "  ",
        "    ", "\t", "\n", "\n\n", "\r\n", " \n ", "0", "7", "42", "123", "2024", "3.14159", "1,000,000", "0000000000",
        "def f(x):\n    return x ** 2\n", "SELECT * FROM t;", "https://example.com/a?b=c", "a_b", "x=1", "i++",
    ];

    /// <summary>Generates <paramref name="count"/> strings from <paramref name="seed"/>.</summary>
    public static List<string> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<string>(count);
        var sb = new StringBuilder();
        for (int n = 0; n < count; n++)
        {
            sb.Clear();
            bool ascii = random.Next(4) == 0;
            int atoms = random.Next(8) == 0 ? 1 : 1 + random.Next(12);
            for (int a = 0; a < atoms; a++)
            {
                if (ascii) sb.Append(Pick(random, AsciiAtoms));
                else sb.Append(RandomAtom(random));
                int sep = random.Next(10);
                if (sep < 5) sb.Append(' ');
                else if (sep == 5) sb.Append(ascii ? Pick(random, [" ", "  ", "\n", "\t", "\r\n"]) : Pick(random, Whitespace));
            }
            string s = sb.ToString();
            int shape = random.Next(12);
            if (shape == 0) s = s.ToUpperInvariant();
            else if (shape == 1) s = " " + s;
            else if (shape == 2) s = s.TrimEnd();
            result.Add(s);
        }
        return result;
    }

    private static string RandomAtom(Random random)
    {
        return random.Next(20) switch
        {
            0 or 1 or 2 or 3 => Pick(random, AsciiWords),
            4 or 5 => Pick(random, ScriptWords),
            6 => Pick(random, Emoji),
            7 => Pick(random, Combining) + (random.Next(2) == 0 ? Pick(random, AsciiWords) : ""),
            8 => Pick(random, Whitespace),
            9 => Digits(random),
            10 => Pick(random, Contractions),
            11 or 12 => Pick(random, Punctuation),
            13 => Pick(random, Code),
            14 => Pick(random, Urls),
            15 => Pick(random, Supplementary),
            16 => RandomCodePoints(random),
            17 => Pick(random, AsciiWords) + Pick(random, Contractions),
            18 => Pick(random, Emoji) + Pick(random, Emoji),
            _ => Pick(random, AsciiWords).ToUpperInvariant(),
        };
    }

    private static string Digits(Random random)
    {
        int len = 1 + random.Next(12);
        var sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) sb.Append((char)('0' + random.Next(10)));
        return random.Next(6) switch
        {
            0 => sb + "." + random.Next(1000),
            1 => "٣٤٥" + sb,
            2 => sb + "²",
            _ => sb.ToString(),
        };
    }

    private static readonly (int From, int To)[] CodePointRanges =
    [
        (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F),
        (0x1100, 0x11FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x23FF), (0x2500, 0x27BF),
        (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFB00, 0xFB4F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
        (0x1F300, 0x1F64F), (0x1F900, 0x1F9FF), (0x1D400, 0x1D7FF), (0x20000, 0x2A6DF), (0x10330, 0x1034F),
    ];

    private static string RandomCodePoints(Random random)
    {
        int len = 1 + random.Next(6);
        var sb = new StringBuilder();
        for (int i = 0; i < len; i++)
        {
            var (from, to) = CodePointRanges[random.Next(CodePointRanges.Length)];
            int cp = from + random.Next(to - from + 1);
            if (cp is >= 0xD800 and <= 0xDFFF) cp = 'x';
            sb.Append(char.ConvertFromUtf32(cp));
        }
        return sb.ToString();
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    /// <summary>Whether the string has a supplementary-plane letter or number (where .NET regexes, unlike Rust's, see two surrogates).</summary>
    public static bool HasSupplementaryLetterOrNumber(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var category = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(s[i], s[i + 1]));
                if (category <= System.Globalization.UnicodeCategory.OtherLetter
                    || category is System.Globalization.UnicodeCategory.DecimalDigitNumber or System.Globalization.UnicodeCategory.LetterNumber or System.Globalization.UnicodeCategory.OtherNumber)
                    return true;
                i++;
            }
        }
        return false;
    }
}
