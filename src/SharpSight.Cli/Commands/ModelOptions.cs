using System.CommandLine;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Cli.Commands;

/// <summary>Options shared by commands that load a model and feed it token ids.</summary>
internal static class ModelOptions
{
    public static Option<string> Model() => new("--model")
    {
        Description = $"Hugging Face checkpoint folder (config.json + model.safetensors[.index.json]) or {BuiltinModels.Prefix}NAME " +
                      $"({string.Join(", ", BuiltinModels.Names)})",
        Required = true,
    };

    public static Option<string> DType() => new("--dtype")
    {
        Description = "Parameter dtype: float32 (default; converts bf16/f16 checkpoints), checkpoint (keep the stored dtype), bfloat16, float16",
        DefaultValueFactory = _ => "float32",
    };

    public static Option<string> Ids() => new("--ids")
    {
        Description = "Comma-separated token ids of one sequence, e.g. 1,5,9",
        Required = true,
    };

    public static Option<FileInfo> Out() => new("--out")
    {
        Description = "Output .npy file (written atomically)",
        Required = true,
    };

    public static TransformerModel Load(string model, string dtype)
    {
        ModelLoadOptions options = dtype switch
        {
            "float32" or "fp32" => new ModelLoadOptions { DType = ScalarType.Float32 },
            "checkpoint" or "auto" => new ModelLoadOptions { KeepCheckpointDType = true },
            "bfloat16" or "bf16" => new ModelLoadOptions { DType = ScalarType.BFloat16 },
            "float16" or "fp16" => new ModelLoadOptions { DType = ScalarType.Float16 },
            _ => throw new ArgumentException($"--dtype '{dtype}' is not one of float32, checkpoint, bfloat16, float16"),
        };
        return ModelLoader.Load(BuiltinModels.Resolve(model), options);
    }

    public static long[] ParseIds(string text, int vocabSize)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var ids = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], out ids[i]))
                throw new FormatException($"--ids: '{parts[i]}' (item {i + 1}) is not an integer token id");
            if (ids[i] < 0 || ids[i] >= vocabSize)
                throw new ArgumentException($"--ids: token id {ids[i]} (item {i + 1}) is outside the vocabulary [0, {vocabSize})");
        }
        return ids;
    }
}
