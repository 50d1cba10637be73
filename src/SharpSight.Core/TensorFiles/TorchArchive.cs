using System.IO.Compression;
using System.Text;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// The zip archive of a torch.save checkpoint: <c>&lt;top&gt;/data.pkl</c>, storages in
/// <c>&lt;top&gt;/data/&lt;key&gt;</c> and optional <c>&lt;top&gt;/version</c> and <c>&lt;top&gt;/byteorder</c>
/// records. The top folder's name is whatever the writer chose. Zip errors become <see cref="TensorFileException"/>.
/// </summary>
internal sealed class TorchArchive
{
    /// <summary>The largest data.pkl accepted.</summary>
    public const int MaxPickleLength = 1 << 30;

    private const int MaxListedRecords = 4;

    // Deflate expands at most about 1032 to 1; a record claiming more is refused before anything is allocated for it.
    private const long MaxExpansion = 1100;

    private readonly string _path;
    private readonly ZipArchive _zip;
    private readonly string _prefix;
    private readonly long _fileLength;

    private TorchArchive(string path, ZipArchive zip, string prefix, long fileLength)
    {
        _path = path;
        _zip = zip;
        _prefix = prefix;
        _fileLength = fileLength;
    }

    /// <summary>The record name of the pickle, e.g. <c>archive/data.pkl</c>.</summary>
    public string PickleName => _prefix + "data.pkl";

    /// <summary>Finds the top folder of <paramref name="zip"/> and checks its byte order record.</summary>
    /// <exception cref="TensorFileException">No or several data.pkl records, a TorchScript archive, a big-endian or unreadable archive.</exception>
    /// <param name="path">The checkpoint file, for errors.</param>
    /// <param name="zip">The archive, opened for reading.</param>
    /// <param name="fileLength">The length of the file, which bounds the sizes its records may claim.</param>
    public static TorchArchive Open(string path, ZipArchive zip, long fileLength)
    {
        List<string> names = Guard(path, "is not a valid zip archive", () => zip.Entries.Select(e => e.FullName).ToList());
        // data.pkl directly in one top folder (or, leniently, at the root).
        string[] pickles = names.Where(n => n == "data.pkl" || (n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - 9))
            .Distinct(StringComparer.Ordinal).ToArray();
        if (pickles.Length > 1)
            throw new TensorFileException(path, $"archive has several data.pkl records ({string.Join(", ", pickles.Take(MaxListedRecords).Select(Quote.Name))}); expected one");
        if (pickles.Length == 0)
        {
            if (names.Any(n => n.EndsWith("constants.pkl", StringComparison.Ordinal)))
                throw new TensorFileException(path, "archive is a TorchScript model (torch.jit.save), not a torch.save checkpoint; load it in Python and torch.save its state_dict()");
            string listed = names.Count == 0 ? "it is empty"
                : $"it has {names.Count} records, e.g. {string.Join(", ", names.Take(MaxListedRecords).Select(Quote.Name))}";
            throw new TensorFileException(path, $"archive has no data.pkl record ({listed}); it is not a torch.save checkpoint");
        }

        string prefix = pickles[0][..^"data.pkl".Length];
        if (names.Contains(prefix + "constants.pkl"))
            throw new TensorFileException(path, "archive is a TorchScript model (torch.jit.save), not a torch.save checkpoint; load it in Python and torch.save its state_dict()");
        var archive = new TorchArchive(path, zip, prefix, fileLength);
        archive.CheckByteOrder();
        return archive;
    }

    /// <summary>The record name and byte length of storage <paramref name="key"/>; the length is null when the record is missing.</summary>
    public (string RecordName, long? Length) StorageRecord(string key)
    {
        string name = $"{_prefix}data/{key}";
        return (name, Entry(name)?.Length);
    }

    /// <summary>Reads the whole data.pkl record.</summary>
    public byte[] ReadPickle()
    {
        ZipArchiveEntry entry = Entry(PickleName)
            ?? throw new TensorFileException(_path, $"archive has no record {Quote.Name(PickleName)}");
        if (entry.Length > MaxPickleLength)
            throw new TensorFileException(_path, $"record {Quote.Name(PickleName)} is {entry.Length} bytes, more than the limit of {MaxPickleLength}");
        var bytes = new byte[entry.Length];
        ReadRecord(PickleName, (read, what) => read(bytes, 0));
        return bytes;
    }

    /// <summary>Receives a function that fills a span with the record's bytes starting at a record offset.</summary>
    public delegate void RecordReader(Span<byte> destination, long offset);

    /// <summary>Opens record <paramref name="name"/> and hands <paramref name="body"/> a reader for its bytes, which must be read in order.</summary>
    /// <exception cref="TensorFileException">The record is missing, shorter than read, or its compressed data is corrupt.</exception>
    public void ReadRecord(string name, Action<RecordReader, string> body)
    {
        string what = $"record {Quote.Name(name)}";
        ZipArchiveEntry entry = Entry(name)
            ?? throw new TensorFileException(_path, $"archive has no {what}");
        Stream stream = Guard(_path, $"cannot open {what}", entry.Open);
        try
        {
            body((destination, offset) =>
            {
                int read = 0;
                try
                {
                    read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
                }
                catch (Exception error) when (IsZipError(error))
                {
                    throw new TensorFileException(_path, $"cannot read {what}: {error.Message}", error);
                }
                if (read < destination.Length)
                    throw new TensorFileException(_path, $"{what} ends after {offset + read} bytes while {offset + destination.Length} were expected; it is truncated");
            }, what);
        }
        finally
        {
            // Closing a stream that was only read loses nothing; an error here must not hide the one being thrown.
            try
            {
                stream.Dispose();
            }
            catch (Exception error) when (IsZipError(error))
            {
            }
        }
    }

    // The record, or null; its claimed sizes are checked against the file so that no read trusts a lie.
    private ZipArchiveEntry? Entry(string name)
    {
        ZipArchiveEntry? entry = Guard(_path, $"cannot look up record {Quote.Name(name)}", () => _zip.GetEntry(name));
        if (entry is null) return null;
        if (entry.CompressedLength > _fileLength)
            throw new TensorFileException(_path, $"record {Quote.Name(name)} claims {entry.CompressedLength} compressed bytes, more than the whole file ({_fileLength} bytes)");
        if (entry.Length > entry.CompressedLength * MaxExpansion + 1024)
            throw new TensorFileException(_path,
                $"record {Quote.Name(name)} claims {entry.Length} bytes from {entry.CompressedLength} compressed bytes, more than compression can produce");
        return entry;
    }

    // PyTorch 2.1 and later write "little" or "big"; earlier versions wrote only little-endian files and no record.
    private void CheckByteOrder()
    {
        string name = _prefix + "byteorder";
        ZipArchiveEntry? entry = Entry(name);
        if (entry is null) return;
        if (entry.Length > 16)
            throw new TensorFileException(_path, $"record {Quote.Name(name)} is {entry.Length} bytes, expected 'little' or 'big'");
        var bytes = new byte[entry.Length];
        ReadRecord(name, (read, _) => read(bytes, 0));
        string order = Encoding.Latin1.GetString(bytes).Trim();
        if (order == "little") return;
        if (order == "big")
            throw new TensorFileException(_path, $"record {Quote.Name(name)} says the storages are big-endian, which is not supported; re-save the checkpoint on a little-endian machine");
        throw new TensorFileException(_path, $"record {Quote.Name(name)} is {Quote.Name(order)}, expected 'little' or 'big'");
    }

    /// <summary>Runs a zip operation, turning corrupt-archive and I/O errors into <see cref="TensorFileException"/> prefixed with <paramref name="what"/>.</summary>
    public static T Guard<T>(string path, string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (IsZipError(error))
        {
            throw new TensorFileException(path, $"{what}: {error.Message}", error);
        }
    }

    private static bool IsZipError(Exception error) =>
        error is InvalidDataException or IOException or NotSupportedException or UnauthorizedAccessException;
}
