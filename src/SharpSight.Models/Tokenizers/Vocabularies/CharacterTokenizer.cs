namespace SharpSight.Models.Tokenizers.Vocabularies;

/// <summary>
/// One token per character (Unicode scalar value) from a fixed symbol list, with optional BOS / EOS / PAD / UNK special
/// tokens — the vocabulary of character-level testbeds such as Karvonen's chess GPT (";1.e4 e5 2.Nf3 …").
/// </summary>
/// <remarks>
/// A character that is not in the list maps to the UNK token when one is configured and is otherwise an error naming the
/// character and its position. Special tokens written in the text are recognized (longest first) only with
/// <c>parseSpecialTokens</c>. Decoding concatenates the token texts. Instances are immutable and thread-safe.
/// </remarks>
public sealed class CharacterTokenizer : SymbolTokenizer
{
    private const string Kind = "character";
    private readonly string[] _specialsLongestFirst;

    /// <summary>Creates the tokenizer.</summary>
    /// <param name="tokens">The vocabulary in id order: single characters, plus any special tokens at the ids you want them.</param>
    /// <param name="bosToken">Beginning-of-sequence token; appended to the vocabulary if it is not in <paramref name="tokens"/>.</param>
    /// <param name="eosToken">End-of-sequence token; appended likewise.</param>
    /// <param name="padToken">Padding token; appended likewise.</param>
    /// <param name="unkToken">Token for characters outside the vocabulary; appended likewise. Without it they are an error.</param>
    /// <param name="addBos">Put BOS before the text when encoding with special tokens.</param>
    /// <param name="addEos">Put EOS after the text when encoding with special tokens.</param>
    /// <exception cref="TokenizerException">A token is not one character, is duplicated, or a flag needs a missing token.</exception>
    public CharacterTokenizer(IEnumerable<string> tokens, string? bosToken = null, string? eosToken = null, string? padToken = null,
        string? unkToken = null, bool addBos = false, bool addEos = false)
        : this(new SymbolVocabulary(Kind, tokens ?? throw new ArgumentNullException(nameof(tokens)), bosToken, eosToken, padToken, unkToken,
            addBos, addEos, CheckSymbol, "the token list"))
    {
    }

    private CharacterTokenizer(SymbolVocabulary vocab) : base(vocab)
    {
        _specialsLongestFirst = [.. vocab.SpecialTokens.Keys.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal)];
    }

    /// <summary>A tokenizer whose vocabulary is the characters of <paramref name="characters"/> in order (id = position).</summary>
    /// <example><c>CharacterTokenizer.FromCharacters(" #+-.0123456789;=BKNOQRabcdefghx")</c> is the chess GPT vocabulary.</example>
    public static CharacterTokenizer FromCharacters(string characters, string? bosToken = null, string? eosToken = null,
        string? padToken = null, string? unkToken = null, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(characters);
        return new CharacterTokenizer(characters.EnumerateRunes().Select(r => r.ToString()), bosToken, eosToken, padToken, unkToken, addBos, addEos);
    }

    /// <summary>Reads a vocabulary file written by <see cref="SymbolTokenizer.Save"/>.</summary>
    /// <exception cref="TokenizerException">The file is missing, malformed, or not a character vocabulary.</exception>
    public static CharacterTokenizer Load(string path) => new(SymbolVocabulary.Load(path, Kind, CheckSymbol));

    private protected override void Split(string text, bool parseSpecialTokens, List<(int Start, int End)> symbols)
    {
        for (int i = 0; i < text.Length;)
        {
            int len = parseSpecialTokens && MatchSpecial(text, i) is { } special ? special.Length
                : char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            symbols.Add((i, i + len));
            i += len;
        }
    }

    private protected override string Separator => "";

    private protected override string NotInVocabulary(string ch, int position) =>
        $"character {SymbolVocabulary.Show(ch)} (U+{(ch.Length == 2 ? char.ConvertToUtf32(ch[0], ch[1]) : ch[0]):X4}) at position {position} is not in the character vocabulary and there is no unk_token";

    private string? MatchSpecial(string text, int at)
    {
        foreach (string s in _specialsLongestFirst)
        {
            if (string.CompareOrdinal(text, at, s, 0, s.Length) == 0 && at + s.Length <= text.Length) return s;
        }
        return null;
    }

    private static string? CheckSymbol(string token)
    {
        if (token.Length == 0) return "is empty";
        int len = char.IsHighSurrogate(token[0]) && token.Length > 1 && char.IsLowSurrogate(token[1]) ? 2 : 1;
        if (token.Length != len) return "is not a single character (special tokens must be named as bos/eos/pad/unk)";
        if (char.IsSurrogate(token[0]) && len == 1) return "is a lone surrogate";
        return null;
    }
}
