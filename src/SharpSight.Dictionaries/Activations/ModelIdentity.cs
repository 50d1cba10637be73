using System.Security.Cryptography;
using System.Text;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Activations;

/// <summary>Identities of models for activation caches: two runs on the same weights get the same string.</summary>
public static class ModelIdentity
{
    private static readonly string[] WeightExtensions = [".safetensors", ".bin", ".pt", ".pth", ".gguf"];

    /// <summary>
    /// "folder sha256:…" of a checkpoint folder: a hash of config.json's bytes and of the name and size of every weight file
    /// (*.safetensors, *.bin, *.pt, *.pth, *.gguf and their index files). Quick on any size of model; a retrained checkpoint
    /// with the same config and file sizes is not told apart (use <see cref="FromParameters"/> or an id of your own for that).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    public static string FromFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: model folder not found");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string config = Path.Combine(folder, "config.json");
        if (File.Exists(config)) hash.AppendData(File.ReadAllBytes(config));
        foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (!WeightExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase) || name.EndsWith(e + ".index.json", StringComparison.OrdinalIgnoreCase))) continue;
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\t{new FileInfo(file).Length}\n"));
        }
        return $"folder sha256:{Convert.ToHexStringLower(hash.GetHashAndReset())[..32]}";
    }

    /// <summary>"parameters sha256:…": a hash of every parameter's name, dtype, shape and bytes (reads all weights once).</summary>
    public static string FromParameters(TransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\t{parameter.dtype}\t{string.Join(",", parameter.shape)}\n"));
            using Tensor detached = parameter.detach();
            using Tensor cpu = detached.cpu();
            using Tensor contiguous = cpu.contiguous();
            using Tensor flat = contiguous.reshape(-1);
            long perChunk = Math.Max(1, (1L << 28) / contiguous.ElementSize);
            for (long start = 0; start < flat.NumberOfElements; start += perChunk)
            {
                using Tensor slice = flat.narrow(0, start, Math.Min(perChunk, flat.NumberOfElements - start));
                hash.AppendData(slice.bytes);
            }
        }
        return $"parameters sha256:{Convert.ToHexStringLower(hash.GetHashAndReset())[..32]}";
    }
}
