namespace SharpSight.Models.Tokenizers;

/// <summary>A tokenizer file that cannot be loaded; the message is one line naming the file, the field and the value.</summary>
public sealed class TokenizerException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public TokenizerException(string message, Exception? inner = null) : base(message, inner) { }
}
