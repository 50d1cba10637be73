using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Core.IO;
using SharpSight.Core.TensorFiles;
using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Formats;

/// <summary>A dictionary file that cannot be read, with the file, field and value in the message.</summary>
public sealed class DictionaryFormatException(string message) : Exception(message);

/// <summary>
/// SAELens' folder format: cfg.json (SAEConfig.to_dict: architecture, d_in, d_sae, dtype, device, apply_b_dec_to_input,
/// normalize_activations, reshape_activations, metadata{model_name, hook_name, context_size, prepend_bos, dataset_path, …},
/// plus k for TopK) and sae_weights.safetensors (W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in], b_dec; JumpReLU threshold;
/// Gated b_gate, r_mag, b_mag). BatchTopK and Matryoshka dictionaries are written as JumpReLU with their learned threshold,
/// as SAELens does. Reading also accepts the pre-6.0 layout (top-level hook_name or hook_point, activation_fn_str "topk"
/// with activation_fn_kwargs.k) and folds an "expected_average_only_in" scaling factor (activation_scaler.json) into the weights.
/// </summary>
public static class SaeLensFolder
{
    /// <summary>Config file name.</summary>
    public const string ConfigFile = "cfg.json";

    /// <summary>Weights file name.</summary>
    public const string WeightsFile = "sae_weights.safetensors";

    /// <summary>SAELens version our files claim compatibility with (metadata.sae_lens_version).</summary>
    public const string CompatibleVersion = "6.12.1";

    /// <summary>Writes a dictionary as a SAELens folder (files written atomically; the folder is created if needed).</summary>
    public static void Write(SparseDictionary dictionary, string folder)
    {
        (string architecture, List<KeyValuePair<string, Tensor>> tensors) = Export(dictionary);
        try
        {
            DictionaryConfig config = dictionary.Config;
            var metadata = new JsonObject
            {
                ["model_name"] = config.Metadata.ModelName,
                ["hook_name"] = config.Metadata.HookName,
                ["hook_head_index"] = null,
                ["context_size"] = config.Metadata.ContextSize,
                ["prepend_bos"] = config.Metadata.PrependBos,
                ["dataset_path"] = config.Metadata.DatasetPath,
                ["sae_lens_version"] = CompatibleVersion,
                ["sae_lens_training_version"] = CompatibleVersion,
                ["trained_with"] = "SharpSight",
            };
            var json = new JsonObject
            {
                ["architecture"] = architecture,
                ["d_in"] = config.InputSize,
                ["d_sae"] = config.Width,
                ["dtype"] = "float32",
                ["device"] = "cpu",
                ["apply_b_dec_to_input"] = config.ApplyDecoderBiasToInput,
                ["normalize_activations"] = "none",
                ["reshape_activations"] = "none",
                ["metadata"] = metadata,
            };
            if (architecture == "topk")
            {
                json["k"] = config.K;
                json["rescale_acts_by_decoder_norm"] = false;
            }
            Directory.CreateDirectory(folder);
            SafetensorsWriter.Write(Path.Combine(folder, WeightsFile), tensors);
            AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        finally
        {
            foreach (KeyValuePair<string, Tensor> entry in tensors) entry.Value.Dispose();
        }
    }

    /// <summary>Reads a SAELens folder (ours or Python's).</summary>
    /// <exception cref="DictionaryFormatException">Missing files, a bad or unsupported field, or tensors that disagree with the config.</exception>
    public static SparseDictionary Read(string folder)
    {
        string configPath = Path.Combine(folder, ConfigFile), weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(configPath)) throw new DictionaryFormatException($"{configPath}: not found (a SAELens folder has {ConfigFile} and {WeightsFile})");
        if (!File.Exists(weightsPath)) throw new DictionaryFormatException($"{weightsPath}: not found (a SAELens folder has {ConfigFile} and {WeightsFile})");
        JsonObject json = ParseObject(configPath);
        var fields = Fields(configPath, json);

        string architecture = fields.String("architecture") ?? "standard";
        if (architecture == "standard" && fields.String("activation_fn_str") == "topk") architecture = "topk";
        DictionaryArchitecture kind = architecture switch
        {
            "standard" => DictionaryArchitecture.Relu,
            "topk" => DictionaryArchitecture.TopK,
            "jumprelu" => DictionaryArchitecture.JumpRelu,
            "gated" => DictionaryArchitecture.Gated,
            _ => throw new DictionaryFormatException($"{configPath}: field 'architecture' is '{architecture}', not one of standard, topk, jumprelu, gated"),
        };
        int k = 0;
        if (kind == DictionaryArchitecture.TopK)
            k = fields.Int("k") ?? (json["activation_fn_kwargs"] is JsonObject kwargs ? Fields(configPath, kwargs).Int("k") : null)
                ?? throw new DictionaryFormatException($"{configPath}: a topk dictionary needs field 'k'");
        string reshape = fields.String("reshape_activations") ?? "none";
        if (reshape != "none") throw new DictionaryFormatException($"{configPath}: field 'reshape_activations' is '{reshape}'; only 'none' is supported");
        string normalize = fields.String("normalize_activations") ?? "none";
        if (normalize is not ("none" or "expected_average_only_in"))
            throw new DictionaryFormatException($"{configPath}: field 'normalize_activations' is '{normalize}'; supported: none, expected_average_only_in");

        JsonObject? meta = json["metadata"] as JsonObject;
        var metaFields = meta is null ? fields : Fields(configPath + " metadata", meta);
        var config = new DictionaryConfig
        {
            Architecture = kind,
            InputSize = fields.Int("d_in") ?? throw new DictionaryFormatException($"{configPath}: missing field 'd_in'"),
            Width = fields.Int("d_sae") ?? throw new DictionaryFormatException($"{configPath}: missing field 'd_sae'"),
            K = k,
            ApplyDecoderBiasToInput = fields.Bool("apply_b_dec_to_input") ?? true,
            Metadata = new DictionaryMetadata
            {
                ModelName = metaFields.String("model_name"),
                HookName = metaFields.String("hook_name") ?? fields.String("hook_point"),
                ContextSize = metaFields.Int("context_size"),
                PrependBos = metaFields.Bool("prepend_bos"),
                DatasetPath = metaFields.String("dataset_path"),
            },
        };
        try
        {
            config.Validate(configPath);
        }
        catch (ArgumentException error)
        {
            throw new DictionaryFormatException(error.Message);
        }

        SparseDictionary dictionary = Dictionary.Create(config);
        try
        {
            LoadWeights(dictionary, weightsPath);
            if (normalize == "expected_average_only_in") FoldScalingFactor(dictionary, folder);
            return dictionary;
        }
        catch
        {
            dictionary.Dispose();
            throw;
        }
    }

    private static void LoadWeights(SparseDictionary dictionary, string weightsPath)
    {
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(weightsPath);
        }
        catch (TensorFileException error)
        {
            throw new DictionaryFormatException(error.Message);
        }
        using (file)
        using (no_grad())
        {
            foreach ((string name, TorchSharp.Modules.Parameter parameter) in dictionary.Parameters)
            {
                if (!file.TryGetEntry(name, out TensorEntry? entry))
                {
                    // Some writers leave out a JumpReLU-style threshold of BatchTopK or a zero b_enc; everything else is required.
                    throw new DictionaryFormatException($"{weightsPath}: tensor '{name}' is missing (a {dictionary.Config.Architecture} dictionary needs " +
                        $"{string.Join(", ", dictionary.Parameters.Select(p => p.Name))})");
                }
                if (!entry.Shape.SequenceEqual(parameter.shape))
                    throw new DictionaryFormatException($"{weightsPath}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] but d_in {dictionary.InputSize} " +
                        $"and d_sae {dictionary.Width} make it [{string.Join(", ", parameter.shape)}]");
                using Tensor value = file.Read(name, ScalarType.Float32);
                parameter.copy_(value);
            }
        }
    }

    // SAELens' fold_activation_norm_scaling_factor: the dictionary was trained on x·s; reading raw x instead multiplies W_enc by s
    // and divides W_dec and b_dec by s.
    private static void FoldScalingFactor(SparseDictionary dictionary, string folder)
    {
        string path = Path.Combine(folder, "activation_scaler.json");
        if (!File.Exists(path))
            throw new DictionaryFormatException($"{Path.Combine(folder, ConfigFile)}: normalize_activations is expected_average_only_in but {path} is missing");
        double factor = Fields(path, ParseObject(path)).Double("scaling_factor")
            ?? throw new DictionaryFormatException($"{path}: missing field 'scaling_factor'");
        if (!(factor > 0) || !double.IsFinite(factor)) throw new DictionaryFormatException($"{path}: field 'scaling_factor' is {factor}, not a positive number");
        using var noGrad = no_grad();
        dictionary.EncoderWeight.mul_(factor);
        dictionary.DecoderWeight.div_(factor);
        dictionary.DecoderBias.div_(factor);
    }

    private static (string Architecture, List<KeyValuePair<string, Tensor>> Tensors) Export(SparseDictionary dictionary)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in dictionary.Parameters)
            tensors.Add(new(name, parameter.detach().clone()));
        string architecture = dictionary.Config.Architecture switch
        {
            DictionaryArchitecture.Relu => "standard",
            DictionaryArchitecture.TopK => "topk",
            DictionaryArchitecture.JumpRelu => "jumprelu",
            DictionaryArchitecture.Gated => "gated",
            DictionaryArchitecture.BatchTopK when dictionary is BatchTopKDictionary { HasThreshold: true } => "jumprelu",
            DictionaryArchitecture.BatchTopK => throw new InvalidOperationException(
                "a BatchTopK dictionary is saved as JumpReLU with its learned threshold, and this one has none yet (train past the threshold start step)"),
            _ => throw new InvalidOperationException($"no SAELens architecture for {dictionary.Config.Architecture}"),
        };
        return (architecture, tensors);
    }

    private static JsonObject ParseObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new DictionaryFormatException($"{path}: not a JSON object");
        }
        catch (JsonException error)
        {
            throw new DictionaryFormatException($"{path}: not valid JSON ({error.Message})");
        }
    }

    /// <summary>Typed access to optional fields of a file we load: errors are format errors naming the file, field and value.</summary>
    private static JsonFields Fields(string path, JsonObject json) => new(path, json, message => new DictionaryFormatException(message));
}
