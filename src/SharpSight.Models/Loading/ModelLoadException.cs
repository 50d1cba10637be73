namespace SharpSight.Models.Loading;

/// <summary>
/// A model folder, config or checkpoint that cannot be loaded. The message is one line naming the
/// file, the field and the offending value.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ModelLoadException(string message, Exception? inner = null) : base(message, inner) { }
}
