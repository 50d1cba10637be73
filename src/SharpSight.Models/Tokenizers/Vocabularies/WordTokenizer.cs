using System.Text;

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
public sealed class WordTokenizer : ITokenizer
{
    private const string Kind = "word";
    private readonly SymbolVocabulary _vocab;

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

    private WordTokenizer(SymbolVocabulary vocab) => _vocab = vocab;

    /// <summary>Reads a vocabulary file written by <see cref="Save"/>.</summary>
    /// <exception cref="TokenizerException">The file is missing, malformed, or not a word vocabulary.</exception>
    public static WordTokenizer Load(string path) => new(SymbolVocabulary.Load(path, Kind, CheckWord));

    /// <summary>Writes the vocabulary as a small JSON file, atomically (readers never see a partial file).</summary>
    public void Save(string path) => _vocab.Save(path);

    /// <summary>The vocabulary in id order, special tokens included.</summary>
    public IReadOnlyList<string> Tokens => _vocab.Tokens;

    /// <summary>The unknown-word id, if configured.</summary>
    public int? UnkId => _vocab.UnkId;

    /// <summary>Whether encoding with special tokens puts BOS first.</summary>
    public bool AddsBos => _vocab.AddBos;

    /// <summary>Whether encoding with special tokens puts EOS last.</summary>
    public bool AddsEos => _vocab.AddEos;

    /// <inheritdoc />
    public int VocabSize => _vocab.Tokens.Count;

    /// <inheritdoc />
    public int? BosId => _vocab.BosId;

    /// <inheritdoc />
    public int? EosId => _vocab.EosId;

    /// <inheritdoc />
    public int? PadId => _vocab.PadId;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens => _vocab.SpecialTokens;

    /// <inheritdoc />
    /// <exception cref="TokenizerException">A word is not in the vocabulary and there is no UNK token.</exception>
    public TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var offsets = new List<(int, int)>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            string word = text[start..i];
            if (parseSpecialTokens && _vocab.TryGetSpecial(word, out int special)) ids.Add(special);
            else if (_vocab.TryGetSymbol(word, out int id)) ids.Add(id);
            else if (_vocab.UnkId is int unk) ids.Add(unk);
            else throw new TokenizerException($"word {SymbolVocabulary.Show(word)} at position {start} is not in the word vocabulary and there is no unk_token");
            offsets.Add((start, i));
        }
        return _vocab.Finish(ids, offsets, text.Length, addSpecialTokens);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            string token = _vocab.DecodeToken(id);
            if (skipSpecialTokens && _vocab.IsSpecial(id)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(token);
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public string? IdToToken(int id) => _vocab.IdToToken(id);

    /// <inheritdoc />
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _vocab.TokenToId(token);
    }

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
