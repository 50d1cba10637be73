namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>Hand-picked edge cases for tokenizers (a few hundred strings, fixed order).</summary>
public static class TokenizerEdgeCases
{
    public static IReadOnlyList<string> All { get; } = Build();

    private static List<string> Build()
    {
        var list = new List<string> { "", " ", "  ", "a", "Hello world", " Hello world", "Hello world ", "Hello  world", "hello\nworld" };
        for (char c = ' '; c <= '~'; c++) list.Add(c.ToString());
        foreach (string ws in TokenizerCorpus.Whitespace)
        {
            list.Add(ws);
            list.Add("a" + ws + "b");
            list.Add(ws + "word");
            list.Add("word" + ws);
            list.Add("x." + ws + "\"y\"");
        }
        foreach (string c in TokenizerCorpus.Contractions)
        {
            list.Add("he" + c);
            list.Add("He" + c + " go");
            list.Add(c);
            list.Add(" " + c);
            list.Add("x " + c.ToUpperInvariant() + "!");
        }
        list.AddRange(["1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890", " 42", "a1b2c3",
            "3.14159", "1,000,000", "-7", "+1e-10", "٣٤٥", "²³", "½", "Ⅻ", "007", "2024-06-01", "10:30pm", "$5.99", "50%", "#1"]);
        foreach (string e in TokenizerCorpus.Emoji)
        {
            list.Add(e);
            list.Add(" " + e);
            list.Add("hi" + e + "there");
        }
        foreach (string c in TokenizerCorpus.Combining)
        {
            list.Add(c);
            list.Add("word" + c);
            list.Add(c + " word");
        }
        list.AddRange(TokenizerCorpus.ScriptWords);
        list.AddRange(TokenizerCorpus.Code);
        list.AddRange(TokenizerCorpus.Urls);
        foreach (string s in TokenizerCorpus.Supplementary)
        {
            list.Add(s);
            list.Add(" " + s);
            list.Add("x" + s + "y");
        }
        list.AddRange([
            "<|endoftext|>", "<|endoftext|><|endoftext|>", "a<|endoftext|>b", " <|endoftext|> ", "<|endoftext|", "|endoftext|>",
            "<|eot_id|>", "Hi<|eot_id|>", "<|begin_of_text|>Hello", "<|im_start|>user\nhi<|im_end|>", "<tool_call>x</tool_call>",
            "<|fim_prefix|>a<|fim_suffix|>", "<|padding|>", "assistant", "RWKV",
            "\u0000", "\u0001\u0002", "\u007F", "\u00AD", "\uFEFF", "\uFFFD", "\u200D", "\u200C", "a\u200Db", "\u00A0\u00A0x", "x\u3000\u3000y",
            "'ſ x'ſ", "he'ſ", "I'LL", "'S", "Ŀ", "ǅ", "ﬀ", "İ",
            new string('a', 1000), new string(' ', 100), new string('\n', 50), string.Concat(Enumerable.Repeat("ab", 500)),
            string.Concat(Enumerable.Repeat("😀", 50)), string.Concat(Enumerable.Repeat("1234567890", 30)),
            string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 10)), string.Concat(Enumerable.Repeat(" \t", 40)),
            "The quick brown fox jumps over the lazy dog.", "THE QUICK BROWN FOX", "tHe QuIcK", "e\u0301te\u0301", "\u1100\u1161\u11A8\u1100\u1161",
        ]);
        return list;
    }
}
