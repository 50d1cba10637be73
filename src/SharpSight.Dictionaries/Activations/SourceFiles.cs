using System.Security.Cryptography;

namespace SharpSight.Dictionaries.Activations;

/// <summary>File checks and fingerprints shared by the token sources.</summary>
internal static class SourceFiles
{
    private const int Window = 1 << 20;

    /// <summary>Throws a one-line <see cref="TokenSourceException"/> when <paramref name="path"/> is not an existing file.</summary>
    public static void Require(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new TokenSourceException($"{path}: is a folder, not a file");
        if (!File.Exists(path)) throw new TokenSourceException($"{path}: file not found");
    }

    /// <summary>
    /// "name (N bytes, sha256 XXXXXXXXXXXXXXXX)": the file name, its size and a hash of its first and last MiB. Cheap on
    /// any size of corpus, and it changes when a file is replaced, grown or cut (an edit in the middle of a large file of the
    /// same size goes unseen).
    /// </summary>
    public static string Fingerprint(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long length = stream.Length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Window];
        int read = stream.ReadAtLeast(buffer, (int)Math.Min(Window, length), throwOnEndOfStream: false);
        hash.AppendData(buffer, 0, read);
        if (length > Window)
        {
            stream.Position = Math.Max(Window, length - Window);
            read = stream.ReadAtLeast(buffer, (int)(length - stream.Position), throwOnEndOfStream: false);
            hash.AppendData(buffer, 0, read);
        }
        return $"{Path.GetFileName(path)} ({length} bytes, sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())[..16]})";
    }
}
