using Microsoft.Win32.SafeHandles;

namespace SharpSight.Core.TensorFiles;

/// <summary>Opens files for reading, turning the usual I/O failures into <see cref="TensorFileException"/>.</summary>
internal static class FileAccessErrors
{
    /// <summary>Opens <paramref name="path"/> for positional reads, shared with other readers.</summary>
    public static SafeFileHandle Open(string path)
    {
        // Opening a folder fails with a misleading "access denied" on Unix.
        if (Directory.Exists(path)) throw new TensorFileException(path, $"is a folder, not a file ({path})");
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TensorFileException(path, $"file does not exist ({path})", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new TensorFileException(path, $"cannot open file: {error.Message}", error);
        }
    }
}
