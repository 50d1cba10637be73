namespace SharpSight.Core.TensorFiles;

/// <summary>
/// A tensor file (safetensors, safetensors index, npy, torch.save checkpoint) is missing, unreadable or malformed.
/// The message is one line: the file name, a colon, and the problem with the field and value involved.
/// </summary>
public sealed class TensorFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a one-line description of the problem.</summary>
    /// <param name="filePath">The file (or folder) the problem is in.</param>
    /// <param name="problem">What is wrong, naming the field and value.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TensorFileException(string filePath, string problem, Exception? innerException = null)
        : base(Format(filePath, problem), innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The path of the file (or folder) the problem is in.</summary>
    public string FilePath { get; }

    private static string Format(string filePath, string problem)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(filePath));
        if (name.Length == 0) name = filePath;
        // Keep the promise of a single line even when the problem quotes a hostile value.
        return $"{name}: {problem.ReplaceLineEndings(" ")}";
    }
}
