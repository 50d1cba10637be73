using System.CommandLine;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers;
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
        Description = "Comma-separated token ids of one sequence, e.g. 1,5,9 (or give --text)",
    };

    public static Option<string> Text() => new("--text")
    {
        Description = "Text of one sequence, encoded with the model's tokenizer (special tokens added, e.g. BOS; or give --ids)",
    };

    public static Option<FileInfo> Out() => new("--out")
    {
        Description = "Output .npy file (written atomically)",
        Required = true,
    };

    /// <summary>The checkpoint folder a --model value names (a built-in model is written on first use).</summary>
    public static string Folder(string model) => BuiltinModels.Resolve(model);

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
        return ModelLoader.Load(Folder(model), options);
    }

    /// <summary>The token ids of one sequence from exactly one of --ids and --text.</summary>
    public static long[] Tokens(ParseResult parsed, Option<string> ids, Option<string> text, string model, int vocabSize)
    {
        string? idText = parsed.GetValue(ids), plain = parsed.GetValue(text);
        if ((idText is null) == (plain is null)) throw new ArgumentException("give exactly one of --ids and --text");
        if (idText is not null) return ParseIds(idText, vocabSize);
        ITokenizer tokenizer = TokenizerLoader.Load(Folder(model));
        int[] encoded = [.. tokenizer.Encode(plain!).Ids];
        if (encoded.Length == 0) throw new ArgumentException("--text encodes to no tokens");
        return ParseIds(string.Join(',', encoded), vocabSize);
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
