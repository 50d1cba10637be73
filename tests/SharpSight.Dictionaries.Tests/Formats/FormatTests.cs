using System.Text.Json;
using SharpSight.Dictionaries.Architectures;
using SharpSight.Dictionaries.Formats;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Formats;

public sealed class FormatTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sharpsight-format-tests", Guid.NewGuid().ToString("N"));
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "DictionaryLearning");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static SparseDictionary Random(DictionaryConfig config, long seed = 3)
    {
        SparseDictionary dictionary = Dictionary.Create(config);
        using var generator = new Generator((ulong)seed);
        using (no_grad())
            foreach ((_, TorchSharp.Modules.Parameter parameter) in dictionary.Parameters)
                parameter.copy_(randn(parameter.shape, generator: generator) * 0.5);
        if (dictionary is JumpReluDictionary jump) using (no_grad()) jump.Threshold.abs_();
        if (dictionary is BatchTopKDictionary batch) using (no_grad()) batch.Threshold.fill_(0.3);
        return dictionary;
    }

    public static TheoryData<DictionaryArchitecture, string> Architectures => new()
    {
        { DictionaryArchitecture.Relu, "standard" },
        { DictionaryArchitecture.TopK, "topk" },
        { DictionaryArchitecture.JumpRelu, "jumprelu" },
        { DictionaryArchitecture.Gated, "gated" },
        { DictionaryArchitecture.BatchTopK, "jumprelu" },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_SAELens_round_trip_keeps_every_tensor_and_the_outputs(DictionaryArchitecture architecture, string written)
    {
        var config = new DictionaryConfig
        {
            Architecture = architecture, InputSize = 5, Width = 12, K = 3,
            Metadata = new DictionaryMetadata { ModelName = "othello-lab", HookName = "blocks.3.hook_resid_post", ContextSize = 59, PrependBos = false },
        };
        using SparseDictionary original = Random(config);
        SaeLensFolder.Write(original, _folder);

        using JsonDocument cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "cfg.json")));
        Assert.Equal(written, cfg.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(5, cfg.RootElement.GetProperty("d_in").GetInt32());
        Assert.Equal(12, cfg.RootElement.GetProperty("d_sae").GetInt32());
        Assert.Equal("blocks.3.hook_resid_post", cfg.RootElement.GetProperty("metadata").GetProperty("hook_name").GetString());
        Assert.Equal(59, cfg.RootElement.GetProperty("metadata").GetProperty("context_size").GetInt32());

        using SparseDictionary read = SaeLensFolder.Read(_folder);
        Assert.Equal(config.Metadata, read.Config.Metadata);
        using Tensor x = randn(7, 5, generator: new Generator(11));
        using (no_grad())
        {
            using DictionaryOutput a = original.Forward(x), b = read.Forward(x);
            Assert.True(a.Features.eq(b.Features).all().item<bool>());
            Assert.True(a.Reconstruction.eq(b.Reconstruction).all().item<bool>());
        }
        Assert.Equal(written == "jumprelu" ? DictionaryArchitecture.JumpRelu : architecture, read.Config.Architecture);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("topk")]
    [InlineData("batchtopk")]
    [InlineData("jumprelu")]
    [InlineData("gated")]
    public void Dictionary_learning_checkpoints_written_by_PyTorch_compute_what_dictionary_learning_computes(string name)
    {
        using SparseDictionary dictionary = DictionaryLearningCheckpoint.Read(Path.Combine(Fixtures, name));
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json")));
        using Tensor x = Matrix(expected.RootElement.GetProperty("x"));
        using Tensor features = Matrix(expected.RootElement.GetProperty(name).GetProperty("features"));
        using Tensor reconstruction = Matrix(expected.RootElement.GetProperty(name).GetProperty("reconstruction"));
        using (no_grad())
        {
            using DictionaryOutput output = dictionary.Forward(x);
            Assert.True(output.Features.allclose(features, rtol: 1e-4, atol: 1e-5), $"{name} features");
            Assert.True(output.Reconstruction.allclose(reconstruction, rtol: 1e-4, atol: 1e-5), $"{name} reconstruction");
        }
        Assert.Equal("resid_post_layer_1", dictionary.Config.Metadata.HookName);
    }

    private static Tensor Matrix(JsonElement rows) =>
        tensor(rows.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => (float)v.GetDouble())).ToArray(),
            [rows.GetArrayLength(), rows[0].GetArrayLength()]);

    public static TheoryData<string, string, string> BadConfigs => new()
    {
        { "{\"architecture\": \"sparsemax\", \"d_in\": 5, \"d_sae\": 12}", "field 'architecture' is 'sparsemax'", "standard, topk, jumprelu, gated" },
        { "{\"architecture\": \"standard\", \"d_sae\": 12}", "missing field 'd_in'", "cfg.json" },
        { "{\"architecture\": \"standard\", \"d_in\": \"five\", \"d_sae\": 12}", "field 'd_in' is \"five\"", "cfg.json" },
        { "{\"architecture\": \"topk\", \"d_in\": 5, \"d_sae\": 12}", "needs field 'k'", "cfg.json" },
        { "{\"architecture\": \"standard\", \"d_in\": 6, \"d_sae\": 12}", "tensor 'W_enc' has shape [5, 12]", "d_in 6" },
        { "{\"architecture\": \"standard\", \"d_in\": 5, \"d_sae\": 12, \"normalize_activations\": \"layer_norm\"}", "'normalize_activations' is 'layer_norm'", "cfg.json" },
        { "{\"architecture\": \"standard\", \"d_in\": 5, ", "not valid JSON", "cfg.json" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void A_corrupt_or_unsupported_cfg_json_is_named_with_its_field(string json, string expected, string alsoExpected)
    {
        using (SparseDictionary dictionary = Random(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = 5, Width = 12 }))
            SaeLensFolder.Write(dictionary, _folder);
        File.WriteAllText(Path.Combine(_folder, "cfg.json"), json);
        var error = Assert.Throws<DictionaryFormatException>(() => SaeLensFolder.Read(_folder));
        Assert.Contains(expected, error.Message);
        Assert.Contains(alsoExpected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_BatchTopK_dictionary_without_a_threshold_is_not_saved_as_JumpReLU()
    {
        using var dictionary = new BatchTopKDictionary(new DictionaryConfig { Architecture = DictionaryArchitecture.BatchTopK, InputSize = 4, Width = 8, K = 2 });
        var error = Assert.Throws<InvalidOperationException>(() => SaeLensFolder.Write(dictionary, _folder));
        Assert.Contains("threshold", error.Message);
        Assert.False(File.Exists(Path.Combine(_folder, "cfg.json")));
    }
}
