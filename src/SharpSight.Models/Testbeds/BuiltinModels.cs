using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.IO;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Architecture;
using SharpSight.Models.Families;
using SharpSight.Models.Loading;
using static TorchSharp.torch;

namespace SharpSight.Models.Testbeds;

/// <summary>
/// Small random-weight models of every family, written as real Hugging Face checkpoint folders
/// (config.json + model.safetensors) so the whole loading path runs with no downloads.
/// Name them as "builtin:NAME" wherever a model folder is expected.
/// </summary>
public static class BuiltinModels
{
    /// <summary>The prefix that marks a built-in model in place of a folder.</summary>
    public const string Prefix = "builtin:";

    private const long Seed = 1234;

    private static readonly Dictionary<string, Func<JsonObject>> Configs = new(StringComparer.Ordinal)
    {
        ["tiny-gpt2"] = () => new JsonObject
        {
            ["model_type"] = "gpt2", ["architectures"] = new JsonArray("GPT2LMHeadModel"), ["vocab_size"] = 512, ["n_embd"] = 64,
            ["n_layer"] = 2, ["n_head"] = 4, ["n_positions"] = 128, ["n_inner"] = null, ["activation_function"] = "gelu_new",
            ["layer_norm_epsilon"] = 1e-5, ["tie_word_embeddings"] = true,
        },
        ["tiny-pythia"] = () => new JsonObject
        {
            ["model_type"] = "gpt_neox", ["architectures"] = new JsonArray("GPTNeoXForCausalLM"), ["vocab_size"] = 512, ["hidden_size"] = 64,
            ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["intermediate_size"] = 256, ["max_position_embeddings"] = 128,
            ["rotary_pct"] = 0.25, ["rotary_emb_base"] = 10000, ["use_parallel_residual"] = true, ["hidden_act"] = "gelu",
            ["layer_norm_eps"] = 1e-5, ["tie_word_embeddings"] = false,
        },
        ["tiny-llama"] = () => new JsonObject
        {
            ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"), ["vocab_size"] = 512, ["hidden_size"] = 64,
            ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["intermediate_size"] = 172,
            ["max_position_embeddings"] = 128, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = false,
        },
        ["tiny-gemma2"] = () => new JsonObject
        {
            ["model_type"] = "gemma2", ["architectures"] = new JsonArray("Gemma2ForCausalLM"), ["vocab_size"] = 512, ["hidden_size"] = 64,
            ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["head_dim"] = 32,
            ["intermediate_size"] = 128, ["max_position_embeddings"] = 128, ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 10000.0,
            ["hidden_activation"] = "gelu_pytorch_tanh", ["query_pre_attn_scalar"] = 32, ["sliding_window"] = 16,
            ["attn_logit_softcapping"] = 50.0, ["final_logit_softcapping"] = 30.0, ["tie_word_embeddings"] = true,
        },
    };

    /// <summary>Names of the built-in models.</summary>
    public static IReadOnlyCollection<string> Names => Configs.Keys;

    /// <summary>True if <paramref name="model"/> names a built-in model ("builtin:NAME").</summary>
    public static bool IsBuiltin(string model) => model.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Resolves "builtin:NAME" to a checkpoint folder, writing it on first use under <paramref name="cacheRoot"/>
    /// (default: $SHARPSIGHT_HOME or ~/.cache/sharpsight). Other strings are returned unchanged.
    /// </summary>
    public static string Resolve(string model, string? cacheRoot = null)
    {
        if (!IsBuiltin(model)) return model;
        string name = model[Prefix.Length..];
        if (!Configs.ContainsKey(name))
            throw new ModelLoadException($"{model}: no such built-in model; built-in: {string.Join(", ", Names.Select(n => Prefix + n))}");
        string folder = Path.Combine(cacheRoot ?? DefaultCacheRoot(), "builtin", name);
        if (!File.Exists(Path.Combine(folder, "config.json"))) Write(name, folder);
        return folder;
    }

    /// <summary>
    /// Writes the named built-in model's checkpoint folder: model.safetensors, tokenizer.json and tokenizer_config.json,
    /// then config.json last, so a partial folder is never taken as complete.
    /// </summary>
    public static void Write(string name, string folder)
    {
        JsonObject json = Configs[name]();
        (IModelFamily family, TransformerConfig config) = ModelFamilies.ReadConfig(new HfConfigJson(json, $"{Prefix}{name}"));
        Directory.CreateDirectory(folder);
        using (var scope = NewDisposeScope())
        {
            SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), RandomWeights.Checkpoint(family, config, Seed).ToList(),
                new Dictionary<string, string> { ["format"] = "pt", ["sharpsight_builtin"] = name });
        }
        BuiltinTokenizer.Write(folder, config.VocabSize);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Where SharpSight keeps generated and imported models: $SHARPSIGHT_HOME, or ~/.cache/sharpsight.</summary>
    public static string DefaultCacheRoot() =>
        Environment.GetEnvironmentVariable("SHARPSIGHT_HOME") is { Length: > 0 } home ? home
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "sharpsight");
}
