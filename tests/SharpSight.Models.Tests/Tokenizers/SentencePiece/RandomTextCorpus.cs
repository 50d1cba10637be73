using System.Text;

namespace SharpSight.Models.Tests.Tokenizers.SentencePiece;

/// <summary>
/// Seeded generator of varied test strings: many scripts, emoji (with ZWJ sequences, skin tones, flags, variation
/// selectors), rare characters that need byte fallback, whitespace runs, leading/trailing spaces, newlines, digits, code
/// and text that looks like special tokens. Always valid UTF-16 (no lone surrogates).
/// </summary>
public static class RandomTextCorpus
{
    private static readonly string[] Words =
    [
        "the", "Hello", "world", "tokenizer", "interpretability", "model", "I", "a", "don't", "it's", "New York", "naïve",
        "résumé", "Straße", "über", "coöperate", "AI", "GPU", "TorchSharp", "SharpSight", "x", "Z", "q", "ab", "HTTP",
    ];

    private static readonly string[] Scripts =
    [
        "Ελληνικά γλώσσα", "русский язык", "українська", "العربية", "עברית", "हिन्दी भाषा", "বাংলা", "ภาษาไทย", "中文字符",
        "日本語のテキスト", "カタカナ", "한국어 문장", "ქართული", "Հայերեն", "ትግርኛ", "සිංහල", "தமிழ்", "ꦗꦮ", "Tiếng Việt",
        "ǅemal", "İstanbul", "ﬁnance", "Å Å", "e\u0301", "ㄅㄆㄇ",
    ];

    private static readonly string[] Rare =
    [
        "𝔘", "𝕏", "𐀀", "𐌰𐌱", "𓀀", "𠀀", "𪚥", "䶵", "㐀", "鿿", "\u2FA1D", "ꙮ", "ᚠᚢᚦ", "\uE000", "\u0007", "\u001F", "\u00AD", "\uFEFF",
        "\u200B", "\u2028", "\U0001F9FF", "\U000E0041", "\U0010FFFD",
    ];

    private static readonly string[] Emoji =
    [
        "😀", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🧑🏾‍💻", "🏳️‍🌈", "🇯🇵", "🇫🇷", "❤️", "☃", "✈︎", "👩‍❤️‍💋‍👨", "🫠", "🦀",
    ];

    private static readonly string[] Code =
    [
        "int main() { return 0; }", "for (var i = 0; i < n; i++)", "def f(x):\n    return x**2", "a[i] += b[j] * 3.14e-2;",
        "<div class=\"x\">&amp;</div>", "SELECT * FROM t WHERE id = 42;", "#include <stdio.h>", "λx.x", "x => x.Id",
        "{\"key\": [1, 2, null]}", "path/to/file_name.txt", "https://example.com/?q=1&r=2", "`code`", "~!@#$%^&*()_+-=",
    ];

    private static readonly string[] SpecialLooking =
    [
        "<s>", "</s>", "<unk>", "<pad>", "<0x41>", "<0xZZ>", "▁", "▁▁", "[INST]", "<bos>", "<|endoftext|>", "<<s>>",
    ];

    private static readonly string[] Spaces = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00A0", "\u3000", "        "];

    public static List<string> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<string>(count);
        for (int i = 0; i < count; i++) result.Add(One(random));
        return result;
    }

    public static string One(Random random)
    {
        var sb = new StringBuilder();
        if (random.Next(6) == 0) sb.Append(Pick(random, Spaces));
        int parts = random.Next(1, 9);
        for (int p = 0; p < parts; p++)
        {
            switch (random.Next(10))
            {
                case 0: case 1: case 2: sb.Append(Pick(random, Words)); break;
                case 3: sb.Append(Pick(random, Scripts)); break;
                case 4: sb.Append(Pick(random, Rare)); break;
                case 5: sb.Append(Pick(random, Emoji)); break;
                case 6: sb.Append(Pick(random, Code)); break;
                case 7: sb.Append(random.Next(0, 3) == 0 ? random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) : random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                case 8: sb.Append(random.Next(4) == 0 ? Pick(random, SpecialLooking) : RandomCodePoint(random)); break;
                default: sb.Append(Pick(random, Spaces)); break;
            }
            if (random.Next(3) != 0) sb.Append(random.Next(8) == 0 ? Pick(random, Spaces) : " ");
        }
        if (random.Next(6) == 0) sb.Append(Pick(random, Spaces));
        return sb.ToString();
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    /// <summary>A random scalar value from a random Unicode block (never a surrogate code point).</summary>
    private static string RandomCodePoint(Random random)
    {
        (int From, int To)[] ranges =
        [
            (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x52F), (0x590, 0x6FF), (0x900, 0xDFF), (0xE00, 0xEFF), (0x1100, 0x11FF),
            (0x2000, 0x2BFF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFFFD), (0x10000, 0x1FFFF),
            (0x20000, 0x2FFFF), (0xE0000, 0xE007F),
        ];
        var (from, to) = ranges[random.Next(ranges.Length)];
        int cp = random.Next(from, to + 1);
        return char.ConvertFromUtf32(cp);
    }
}
