namespace SharpSight.Models.Tokenizers.Vocabularies;

/// <summary>
/// One token per whitespace-separated word from a fixed list — the move vocabularies of board-game testbeds, e.g. Othello
/// squares "e6 f4 d3 … pass" — with optional BOS / EOS / PAD / UNK special tokens.
/// </summary>
/// <remarks>
/// Words are maximal runs of non-whitespace characters; any amount of whitespace separates them and leading or trailing
/// whitespace is ignored, so each token's offsets are exactly its word. A word that is not in the list maps to the UNK token
/// when one is configured and is otherwise an error naming the word and its position. Special tokens written as words are
/// recognized only with <c>parseSpecialTokens</c>. Decoding joins token texts with single spaces.
/// Instances are immutable and thread-safe.
/// </remarks>
public sealed class WordTokenizer : SymbolTokenizer
{
    private const string Kind = "word";

    /// <summary>Creates the tokenizer.</summary>
    /// <param name="tokens">The vocabulary in id order: words without whitespace, plus any special tokens at the ids you want them.</param>
    /// <param name="bosToken">Beginning-of-sequence token; appended to the vocabulary if it is not in <paramref name="tokens"/>.</param>
    /// <param name="eosToken">End-of-sequence token; appended likewise.</param>
    /// <param name="padToken">Padding token; appended likewise.</param>
    /// <param name="unkToken">Token for words outside the vocabulary; appended likewise. Without it they are an error.</param>
    /// <param name="addBos">Put BOS before the text when encoding with special tokens.</param>
    /// <param name="addEos">Put EOS after the text when encoding with special tokens.</param>
    /// <exception cref="TokenizerException">A token is empty, contains whitespace, is duplicated, or a flag needs a missing token.</exception>
    public WordTokenizer(IEnumerable<string> tokens, string? bosToken = null, string? eosToken = null, string? padToken = null,
        string? unkToken = null, bool addBos = false, bool addEos = false)
        : this(new SymbolVocabulary(Kind, tokens ?? throw new ArgumentNullException(nameof(tokens)), bosToken, eosToken, padToken, unkToken,
            addBos, addEos, CheckWord, "the token list"))
    {
    }

    private WordTokenizer(SymbolVocabulary vocab) : base(vocab) { }

    /// <summary>Reads a vocabulary file written by <see cref="SymbolTokenizer.Save"/>.</summary>
    /// <exception cref="TokenizerException">The file is missing, malformed, or not a word vocabulary.</exception>
    public static WordTokenizer Load(string path) => new(SymbolVocabulary.Load(path, Kind, CheckWord));

    private protected override void Split(string text, bool parseSpecialTokens, List<(int Start, int End)> symbols)
    {
        for (int i = 0; i < text.Length;)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            symbols.Add((start, i));
        }
    }

    private protected override string Separator => " ";

    private protected override string NotInVocabulary(string word, int position) =>
        $"word {SymbolVocabulary.Show(word)} at position {position} is not in the word vocabulary and there is no unk_token";

    private static string? CheckWord(string token)
    {
        if (token.Length == 0) return "is empty";
        foreach (char c in token)
        {
            if (char.IsWhiteSpace(c)) return "contains whitespace";
        }
        return null;
    }
}
