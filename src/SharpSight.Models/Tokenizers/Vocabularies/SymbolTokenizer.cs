namespace SharpSight.Models.Tokenizers.Vocabularies;

/// <summary>
/// A tokenizer over a fixed symbol list with optional BOS / EOS / PAD / UNK special tokens, saved as a small JSON file.
/// <see cref="CharacterTokenizer"/> and <see cref="WordTokenizer"/> differ only in how text splits into symbols and how
/// decoded symbols join; everything else is here.
/// </summary>
/// <remarks>
/// A symbol that is not in the list maps to the UNK token when one is configured and is otherwise an error naming the
/// symbol and its position. Special tokens written in the text are recognized only with <c>parseSpecialTokens</c>.
/// Instances are immutable and thread-safe.
/// </remarks>
public abstract class SymbolTokenizer : ITokenizer
{
    private protected SymbolTokenizer(SymbolVocabulary vocabulary) => Vocabulary = vocabulary;

    private protected SymbolVocabulary Vocabulary { get; }

    /// <summary>Writes the vocabulary as a small JSON file, atomically (readers never see a partial file).</summary>
    public void Save(string path) => Vocabulary.Save(path);

    /// <summary>The vocabulary in id order, special tokens included.</summary>
    public IReadOnlyList<string> Tokens => Vocabulary.Tokens;

    /// <summary>The id that symbols outside the vocabulary map to, if configured.</summary>
    public int? UnkId => Vocabulary.UnkId;

    /// <summary>Whether encoding with special tokens puts BOS first.</summary>
    public bool AddsBos => Vocabulary.AddBos;

    /// <summary>Whether encoding with special tokens puts EOS last.</summary>
    public bool AddsEos => Vocabulary.AddEos;

    /// <inheritdoc />
    public int VocabSize => Vocabulary.Tokens.Count;

    /// <inheritdoc />
    public int? BosId => Vocabulary.BosId;

    /// <inheritdoc />
    public int? EosId => Vocabulary.EosId;

    /// <inheritdoc />
    public int? PadId => Vocabulary.PadId;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens => Vocabulary.SpecialTokens;

    /// <inheritdoc />
    /// <exception cref="TokenizerException">A symbol is not in the vocabulary and there is no UNK token.</exception>
    public TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<(int Start, int End)>();
        Split(text, parseSpecialTokens, spans);
        var ids = new List<int>(spans.Count + 2);
        var offsets = new List<(int, int)>(spans.Count + 2);
        foreach (var (start, end) in spans)
        {
            string symbol = text[start..end];
            if (parseSpecialTokens && Vocabulary.TryGetSpecial(symbol, out int id)) ids.Add(id);
            else if (Vocabulary.TryGetSymbol(symbol, out id)) ids.Add(id);
            else if (Vocabulary.UnkId is int unk) ids.Add(unk);
            else throw new TokenizerException(NotInVocabulary(symbol, start));
            offsets.Add((start, end));
        }
        return Vocabulary.Finish(ids, offsets, text.Length, addSpecialTokens);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            string token = Vocabulary.DecodeToken(id);
            if (skipSpecialTokens && Vocabulary.IsSpecial(id)) continue;
            tokens.Add(token);
        }
        return string.Join(Separator, tokens);
    }

    /// <inheritdoc />
    public string? IdToToken(int id) => Vocabulary.IdToToken(id);

    /// <inheritdoc />
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Vocabulary.TokenToId(token);
    }

    /// <summary>
    /// Appends the [start, end) span of every symbol of <paramref name="text"/>, in order; with
    /// <paramref name="parseSpecialTokens"/> a special token written in the text is one symbol.
    /// </summary>
    private protected abstract void Split(string text, bool parseSpecialTokens, List<(int Start, int End)> symbols);

    /// <summary>What goes between decoded symbols.</summary>
    private protected abstract string Separator { get; }

    /// <summary>The error message for a symbol outside the vocabulary at <paramref name="position"/>.</summary>
    private protected abstract string NotInVocabulary(string symbol, int position);
}
