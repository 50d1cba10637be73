namespace SharpSight.Models.Tokenizers;

/// <summary>
/// Text to token ids and back, with Hugging Face semantics. Every family's tokenizer (byte-level BPE, SentencePiece BPE,
/// tiktoken, character and move vocabularies of the built-in testbeds) implements this one interface.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of ids (the largest id + 1, added tokens included).</summary>
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, if the tokenizer has one.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id, if the tokenizer has one.</summary>
    int? EosId { get; }

    /// <summary>Padding id, if the tokenizer has one.</summary>
    int? PadId { get; }

    /// <summary>Special (control) tokens by text, e.g. "&lt;|endoftext|&gt;" → 50256.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// Encodes text. <paramref name="addSpecialTokens"/> applies the post-processor (e.g. a BOS token), as Hugging Face's
    /// default. Special tokens written in the text are matched as such only when <paramref name="parseSpecialTokens"/>
    /// is true; otherwise they are ordinary text.
    /// </summary>
    TokenEncoding Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = false);

    /// <summary>Decodes ids to text; special tokens are dropped when <paramref name="skipSpecialTokens"/> is true.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    /// <summary>The token string of an id (in the vocabulary's own spelling, e.g. "Ġworld"), or null.</summary>
    string? IdToToken(int id);

    /// <summary>The id of a token string (vocabulary spelling), or null.</summary>
    int? TokenToId(string token);
}
