namespace SharpSight.Models.Tokenizers.Bpe;

/// <summary>
/// A token added on top of the BPE vocabulary (Hugging Face <c>added_tokens</c> / <c>added_tokens_decoder</c>, or a
/// SentencePiece control piece). Added tokens are cut out of the text before the model runs: non-normalized ones from the
/// raw text, normalized ones from the normalized text. Special ones are cut out only when special tokens are parsed.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The text of the token.</param>
/// <param name="Special">A control token: matched only when parsing special tokens, dropped by skip-special decoding.</param>
/// <param name="SingleWord">Matched only when no word character (Unicode <c>\w</c>) touches it on either side.</param>
/// <param name="LStrip">The match takes in the whitespace before it.</param>
/// <param name="RStrip">The match takes in the whitespace after it.</param>
/// <param name="Normalized">Matched against the normalized text (its content normalized too) rather than the raw text.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord = false, bool LStrip = false, bool RStrip = false, bool Normalized = false);
