using System.Text.Json.Nodes;
using SharpSight.Core.TensorFiles;
using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Formats;

/// <summary>
/// Reads dictionary_learning checkpoints: a folder with ae.pt (a torch.save state dict) and config.json ({"trainer":
/// {"dict_class", "activation_dim", "dict_size", "k", "lm_name", "layer", "submodule_name", …}, "buffer": {"ctx_len", …}}).
/// Its classes store the encoder and decoder as nn.Linear weights ([d_sae, d_in] and [d_in, d_sae]) or, for JumpReLU and
/// Matryoshka, in SAELens' layout; both are mapped onto ours.
/// </summary>
public static class DictionaryLearningCheckpoint
{
    /// <summary>The weights file.</summary>
    public const string WeightsFile = "ae.pt";

    /// <summary>The config file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The dict_class values understood.</summary>
    public static readonly IReadOnlyList<string> Classes =
        ["AutoEncoder", "AutoEncoderNew", "AutoEncoderTopK", "BatchTopKSAE", "MatryoshkaBatchTopKSAE", "JumpReluAutoEncoder", "GatedAutoEncoder"];

    /// <summary>Reads the folder (or the ae.pt inside it).</summary>
    /// <exception cref="DictionaryFormatException">A missing or bad file, an unknown dict_class, or tensors of the wrong shape.</exception>
    public static SparseDictionary Read(string path)
    {
        string folder = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        string weightsPath = File.Exists(path) ? path : Path.Combine(folder, WeightsFile), configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(weightsPath)) throw new DictionaryFormatException($"{weightsPath}: not found (a dictionary_learning folder has {WeightsFile} and {ConfigFile})");
        if (!File.Exists(configPath)) throw new DictionaryFormatException($"{configPath}: not found (a dictionary_learning folder has {WeightsFile} and {ConfigFile})");

        JsonObject trainer = ReadTrainer(configPath);
        string dictClass = trainer["dict_class"]?.GetValue<string>() ?? throw new DictionaryFormatException($"{configPath}: missing field 'trainer.dict_class'");
        if (!Classes.Contains(dictClass))
            throw new DictionaryFormatException($"{configPath}: field 'trainer.dict_class' is '{dictClass}', not one of {string.Join(", ", Classes)}");

        IReadOnlyDictionary<string, Tensor> state;
        try
        {
            state = TorchCheckpoint.Read(weightsPath);
        }
        catch (TensorFileException error)
        {
            throw new DictionaryFormatException(error.Message);
        }
        try
        {
            return Build(dictClass, trainer, state, weightsPath, configPath);
        }
        finally
        {
            foreach (Tensor tensor in state.Values) tensor.Dispose();
        }
    }

    private static JsonObject ReadTrainer(string configPath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(configPath)) is JsonObject { } root && root["trainer"] is JsonObject trainer
                ? trainer
                : throw new DictionaryFormatException($"{configPath}: missing object 'trainer'");
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new DictionaryFormatException($"{configPath}: not valid JSON ({error.Message})");
        }
    }

    private static SparseDictionary Build(string dictClass, JsonObject trainer, IReadOnlyDictionary<string, Tensor> state, string weightsPath, string configPath)
    {
        Tensor Get(string name) => state.TryGetValue(name, out Tensor? t) ? t
            : throw new DictionaryFormatException($"{weightsPath}: tensor '{name}' is missing (a {dictClass} has {string.Join(", ", state.Keys)})");
        bool linearLayout = dictClass is not ("JumpReluAutoEncoder" or "MatryoshkaBatchTopKSAE");
        // nn.Linear stores encoder.weight as [d_sae, d_in]; SAELens' W_enc is its transpose.
        Tensor encoder = linearLayout ? Get("encoder.weight").t() : Get("W_enc");
        Tensor decoder = linearLayout ? Get("decoder.weight").t() : Get("W_dec");
        int inputSize = (int)encoder.shape[0], width = (int)encoder.shape[1];
        CheckConfig(trainer, "activation_dim", inputSize, configPath, weightsPath);
        CheckConfig(trainer, "dict_size", width, configPath, weightsPath);

        int k = state.TryGetValue("k", out Tensor? kTensor) ? (int)kTensor.item<long>() : trainer["k"]?.GetValue<int>() ?? 0;
        IReadOnlyList<int>? groups = state.TryGetValue("group_sizes", out Tensor? g) ? [.. g.to(ScalarType.Int64).data<long>().ToArray().Select(v => (int)v)] : null;
        DictionaryArchitecture architecture = dictClass switch
        {
            "AutoEncoder" or "AutoEncoderNew" => DictionaryArchitecture.Relu,
            "AutoEncoderTopK" => DictionaryArchitecture.TopK,
            "BatchTopKSAE" or "MatryoshkaBatchTopKSAE" => DictionaryArchitecture.BatchTopK,
            "JumpReluAutoEncoder" => DictionaryArchitecture.JumpRelu,
            _ => DictionaryArchitecture.Gated,
        };
        var config = new DictionaryConfig
        {
            Architecture = architecture,
            InputSize = inputSize,
            Width = width,
            K = k,
            ApplyDecoderBiasToInput = dictClass is not ("AutoEncoderNew" or "JumpReluAutoEncoder"),
            MatryoshkaGroups = groups,
            Metadata = new DictionaryMetadata
            {
                ModelName = trainer["lm_name"]?.ToString(),
                HookName = trainer["submodule_name"]?.ToString(),
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
        using var noGrad = no_grad();
        void Copy(Tensor target, Tensor source, string name)
        {
            if (!source.shape.SequenceEqual(target.shape))
                throw new DictionaryFormatException($"{weightsPath}: tensor '{name}' has shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", target.shape)}]");
            target.copy_(source.to(ScalarType.Float32));
        }
        try
        {
            Copy(dictionary.EncoderWeight, encoder, linearLayout ? "encoder.weight" : "W_enc");
            Copy(dictionary.DecoderWeight, decoder, linearLayout ? "decoder.weight" : "W_dec");
            switch (dictClass)
            {
                case "AutoEncoder":
                    Copy(dictionary.EncoderBias!, Get("encoder.bias"), "encoder.bias");
                    Copy(dictionary.DecoderBias, Get("bias"), "bias");
                    break;
                case "AutoEncoderNew":
                    Copy(dictionary.EncoderBias!, Get("encoder.bias"), "encoder.bias");
                    Copy(dictionary.DecoderBias, Get("decoder.bias"), "decoder.bias");
                    break;
                case "AutoEncoderTopK":
                    Copy(dictionary.EncoderBias!, Get("encoder.bias"), "encoder.bias");
                    Copy(dictionary.DecoderBias, Get("b_dec"), "b_dec");
                    break;
                case "BatchTopKSAE" or "MatryoshkaBatchTopKSAE":
                    Copy(dictionary.EncoderBias!, Get(linearLayout ? "encoder.bias" : "b_enc"), linearLayout ? "encoder.bias" : "b_enc");
                    Copy(dictionary.DecoderBias, Get("b_dec"), "b_dec");
                    ((BatchTopKDictionary)dictionary).Threshold.fill_(Get("threshold").to(ScalarType.Float32).reshape(-1)[0].item<float>());
                    break;
                case "JumpReluAutoEncoder":
                    Copy(dictionary.EncoderBias!, Get("b_enc"), "b_enc");
                    Copy(dictionary.DecoderBias, Get("b_dec"), "b_dec");
                    Copy(((JumpReluDictionary)dictionary).Threshold, Get("threshold"), "threshold");
                    break;
                default:
                    var gated = (GatedDictionary)dictionary;
                    Copy(gated.DecoderBias, Get("decoder_bias"), "decoder_bias");
                    Copy(gated.GateBias, Get("gate_bias"), "gate_bias");
                    Copy(gated.MagnitudeScale, Get("r_mag"), "r_mag");
                    Copy(gated.MagnitudeBias, Get("mag_bias"), "mag_bias");
                    break;
            }
            return dictionary;
        }
        catch
        {
            dictionary.Dispose();
            throw;
        }
    }

    private static void CheckConfig(JsonObject trainer, string field, int actual, string configPath, string weightsPath)
    {
        if (trainer[field] is JsonNode node && node.GetValue<int>() != actual)
            throw new DictionaryFormatException($"{configPath}: field 'trainer.{field}' is {node.ToJsonString()} but {weightsPath} holds {actual}");
    }
}
