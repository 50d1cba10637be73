using System.Diagnostics.CodeAnalysis;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// One view over a Hugging Face checkpoint folder that holds either a single <c>model.safetensors</c> or
/// shards listed in <c>model.safetensors.index.json</c>. All files are opened and validated by
/// <see cref="Open"/> and stay open until <see cref="Dispose"/>.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The single-file checkpoint name, preferred when present.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The index file name of a sharded checkpoint.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly IReadOnlyList<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _fileOf;
    private readonly List<string> _names;

    private SafetensorsCheckpoint(string sourcePath, bool isSharded, IReadOnlyList<SafetensorsFile> files,
        Dictionary<string, SafetensorsFile> fileOf, List<string> names)
    {
        SourcePath = sourcePath;
        IsSharded = isSharded;
        _files = files;
        _fileOf = fileOf;
        _names = names;
    }

    /// <summary>The file the checkpoint was opened from: the single safetensors file or the index.</summary>
    public string SourcePath { get; }

    /// <summary>Whether the checkpoint is sharded through an index file.</summary>
    public bool IsSharded { get; }

    /// <summary>Every tensor name: the weight map's (or single file's) order, then tensors the index does not list.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>The safetensors files of the checkpoint, in shard order.</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>
    /// Opens the checkpoint in <paramref name="folder"/>: <c>model.safetensors</c> if present, otherwise
    /// <c>model.safetensors.index.json</c> and its shards. <paramref name="folder"/> may also name a
    /// <c>.safetensors</c> file or an index file directly.
    /// </summary>
    /// <exception cref="TensorFileException">Neither file exists, or a file is malformed, or the index disagrees with its shards.</exception>
    public static SafetensorsCheckpoint Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (File.Exists(folder))
            return folder.EndsWith(".index.json", StringComparison.Ordinal) ? OpenIndex(folder) : OpenSingle(folder);

        string single = Path.Combine(folder, SingleFileName);
        if (File.Exists(single)) return OpenSingle(single);
        string index = Path.Combine(folder, IndexFileName);
        if (File.Exists(index)) return OpenIndex(index);
        string problem = Directory.Exists(folder) ? "folder has" : "folder does not exist, so it has";
        throw new TensorFileException(folder, $"{problem} neither '{SingleFileName}' nor '{IndexFileName}' ({folder})");
    }

    /// <summary>Whether the checkpoint has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _fileOf.ContainsKey(name);

    /// <summary>Looks up a tensor's header entry.</summary>
    public bool TryGetEntry(string name, [MaybeNullWhen(false)] out TensorEntry entry)
    {
        entry = null;
        return _fileOf.TryGetValue(name, out SafetensorsFile? file) && file.TryGetEntry(name, out entry);
    }

    /// <summary>The header entry of <paramref name="name"/>; offsets are relative to its own file's data section.</summary>
    /// <exception cref="TensorFileException">The checkpoint has no such tensor.</exception>
    public TensorEntry Entry(string name) => FileFor(name).Entry(name);

    /// <summary>The path of the safetensors file that holds <paramref name="name"/>.</summary>
    /// <exception cref="TensorFileException">The checkpoint has no such tensor.</exception>
    public string FileOf(string name) => FileFor(name).Path;

    /// <summary>Reads one tensor; see <see cref="SafetensorsFile.Read"/>. The caller owns the result.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dtype">Convert to this element type, or null to keep the file's type.</param>
    /// <param name="device">Move to this device, or null for the CPU.</param>
    /// <exception cref="TensorFileException">No such tensor, or its file changed since it was opened.</exception>
    public torch.Tensor Read(string name, torch.ScalarType? dtype = null, torch.Device? device = null) =>
        FileFor(name).Read(name, dtype, device);

    /// <summary>Closes every file.</summary>
    public void Dispose()
    {
        foreach (SafetensorsFile file in _files) file.Dispose();
    }

    private SafetensorsFile FileFor(string name) =>
        _fileOf.TryGetValue(name, out SafetensorsFile? file)
            ? file
            : throw new TensorFileException(SourcePath, $"tensor {Quote.Name(name)} is not in the checkpoint (it has {_names.Count} tensors)");

    private static SafetensorsCheckpoint OpenSingle(string path)
    {
        SafetensorsFile file = SafetensorsFile.Open(path);
        var fileOf = file.Entries.ToDictionary(e => e.Name, _ => file, StringComparer.Ordinal);
        return new SafetensorsCheckpoint(path, isSharded: false, [file], fileOf, file.Entries.Select(e => e.Name).ToList());
    }

    private static SafetensorsCheckpoint OpenIndex(string indexPath)
    {
        SafetensorsIndex index = SafetensorsIndex.Read(indexPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (string shard in index.WeightMap.Select(p => p.Value).Distinct(StringComparer.Ordinal))
            {
                string shardPath = Path.Combine(folder, shard);
                if (!File.Exists(shardPath))
                {
                    int count = index.WeightMap.Count(p => p.Value == shard);
                    string first = index.WeightMap.First(p => p.Value == shard).Key;
                    throw new TensorFileException(indexPath,
                        $"shard {Quote.Name(shard)} listed in weight_map for {count} tensor(s), e.g. {Quote.Name(first)}, does not exist in {folder}");
                }
                SafetensorsFile file = SafetensorsFile.Open(shardPath);
                files.Add(file);
                shards.Add(shard, file);
            }
            (Dictionary<string, SafetensorsFile> fileOf, List<string> names) = MapNames(indexPath, index, shards, files);
            return new SafetensorsCheckpoint(indexPath, isSharded: true, files, fileOf, names);
        }
        catch
        {
            foreach (SafetensorsFile file in files) file.Dispose();
            throw;
        }
    }

    // Listed tensors must be in their shard; tensors a shard holds but the index omits are still readable.
    private static (Dictionary<string, SafetensorsFile>, List<string>) MapNames(string indexPath, SafetensorsIndex index,
        Dictionary<string, SafetensorsFile> shards, List<SafetensorsFile> files)
    {
        var fileOf = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach ((string name, string shard) in index.WeightMap)
        {
            SafetensorsFile file = shards[shard];
            if (!file.Contains(name))
                throw new TensorFileException(indexPath,
                    $"weight_map puts tensor {Quote.Name(name)} in shard {Quote.Name(shard)}, but that shard does not contain it");
            fileOf.Add(name, file);
            names.Add(name);
        }

        var unlisted = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (SafetensorsFile file in files)
        {
            foreach (TensorEntry entry in file.Entries)
            {
                if (fileOf.ContainsKey(entry.Name)) continue;
                if (unlisted.TryGetValue(entry.Name, out SafetensorsFile? other))
                    throw new TensorFileException(indexPath,
                        $"tensor {Quote.Name(entry.Name)} is missing from weight_map and appears in two shards, {Quote.Name(Path.GetFileName(other.Path))} and {Quote.Name(Path.GetFileName(file.Path))}");
                unlisted.Add(entry.Name, file);
            }
        }
        foreach ((string name, SafetensorsFile file) in unlisted)
        {
            fileOf.Add(name, file);
            names.Add(name);
        }
        return (fileOf, names);
    }
}
