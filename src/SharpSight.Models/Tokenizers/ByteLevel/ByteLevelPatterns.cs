namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// Pre-tokenizer regular expressions of the byte-level BPE families, written as in the Hugging Face files (Oniguruma
/// syntax; <see cref="ByteLevelBpeTokenizer"/> runs them on code points, as the Rust engines do).
/// </summary>
public static class ByteLevelPatterns
{
    /// <summary>GPT-2 (also GPT-NeoX, Pythia, RoBERTa): the pattern of Hugging Face's ByteLevel pre-tokenizer.</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Llama-3 (tiktoken cl100k-style): case-insensitive contractions, digits in groups of up to three.</summary>
    public const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2 / Qwen2.5 (<c>PRETOKENIZE_REGEX</c> of transformers' tokenization_qwen2.py): as Llama-3 but one digit per piece.</summary>
    public const string Qwen2 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
