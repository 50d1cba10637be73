using System.Text;

namespace SharpSight.Core.IO;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content, never a
/// partial file: the content goes to a temporary file in the target's folder, which then replaces
/// the target by rename.
/// </summary>
public static class AtomicFile
{
    private const int BufferSize = 1 << 16;

    /// <summary>
    /// Writes a file through <paramref name="write"/> and then atomically replaces <paramref name="path"/>.
    /// If <paramref name="write"/> throws, the previous file is left untouched and the temporary file is deleted.
    /// </summary>
    /// <param name="path">The file to create or replace. Its folder must exist.</param>
    /// <param name="write">Writes the whole content to the given stream. It must not dispose the stream.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, write, static (w, stream) => w(stream));
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="text"/> encoded as UTF-8 without a byte order mark.</summary>
    /// <param name="path">The file to create or replace. Its folder must exist.</param>
    /// <param name="text">The whole content.</param>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    /// <param name="path">The file to create or replace. Its folder must exist.</param>
    /// <param name="bytes">The whole content.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes) =>
        Write(path, bytes, static (content, stream) => stream.Write(content));

    // Generic over the state so a span can be passed without copying it into an array.
    private static void Write<TState>(string path, TState state, Action<TState, Stream> write)
        where TState : allows ref struct
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' names a root folder, not a file.", nameof(path));
        // Same folder as the target, so the final rename never crosses file systems.
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                write(state, stream);
                // Flush to disk before the rename; otherwise a crash could leave the new name on empty data.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The original exception matters more than a leftover temporary file.
        }
    }
}
