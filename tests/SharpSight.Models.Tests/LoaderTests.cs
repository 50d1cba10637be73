using System.Text.Json.Nodes;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Tests.Reference;
using SharpSight.Models.Tests.Support;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

public class LoaderTests
{
    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void Half_precision_checkpoints_load_as_float32_by_default_and_keep_their_dtype_on_request(ScalarType stored)
    {
        var config = TinyCheckpoints.Llama();
        var weights = TinyCheckpoints.RandomWeights(config, seed: 5);
        using var folder = new TempFolder();
        CheckpointFolder.Write(folder.Path, config, weights, dtype: stored);
        using var scope = NewDisposeScope();

        using TransformerModel converted = ModelLoader.Load(folder.Path);
        Assert.Equal(ScalarType.Float32, converted.DType);
        Tensor expected = CheckpointFolder.ToTensor(weights["model.embed_tokens.weight"]).to(stored).to(ScalarType.Float32);
        Assert.True(converted.Embed.Weight.eq(expected).all().item<bool>(), "values must be the stored half-precision values, exactly");

        using TransformerModel kept = ModelLoader.Load(folder.Path, new ModelLoadOptions { KeepCheckpointDType = true });
        Assert.Equal(stored, kept.DType);
        using var noGrad = no_grad();
        Tensor halfLogits = kept.Forward(CheckpointFolder.Ids(TestConfigs.Sequence)).to(ScalarType.Float32);
        Tensor fullLogits = converted.Forward(CheckpointFolder.Ids(TestConfigs.Sequence));
        Assert.Equal(stored, kept.Forward(CheckpointFolder.Ids(1, 2)).dtype);
        Assert.True(halfLogits.allclose(fullLogits, rtol: 0, atol: 0.1), "half-precision forward is far from float32");
    }

    [Fact]
    public void Gpt2_keys_load_with_or_without_the_transformer_prefix_and_ignore_mask_buffers()
    {
        var config = TinyCheckpoints.Gpt2();
        var weights = TinyCheckpoints.RandomWeights(config, seed: 9);
        // The Hub's own gpt2 checkpoint: no "transformer." prefix, plus the old attn.bias mask buffers.
        var hubStyle = weights.ToDictionary(p => p.Key.Replace("transformer.", ""), p => p.Value);
        for (int layer = 0; layer < 2; layer++)
            hubStyle[$"h.{layer}.attn.bias"] = new RefTensor([1, 1, 32, 32], new double[32 * 32]);

        using var prefixed = new TempFolder();
        using var bare = new TempFolder();
        CheckpointFolder.Write(prefixed.Path, config, weights);
        CheckpointFolder.Write(bare.Path, config, hubStyle);
        using TransformerModel a = ModelLoader.Load(prefixed.Path), b = ModelLoader.Load(bare.Path);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(TestConfigs.Sequence);
        Assert.True(a.Forward(ids).eq(b.Forward(ids)).all().item<bool>());
    }

    [Fact]
    public void Sharded_checkpoints_load_through_the_index()
    {
        var config = TinyCheckpoints.GptNeoX();
        var weights = TinyCheckpoints.RandomWeights(config, seed: 2);
        using var single = new TempFolder();
        using var sharded = new TempFolder();
        CheckpointFolder.Write(single.Path, config, weights);
        CheckpointFolder.Write(sharded.Path, config, weights, shardBytes: 40_000);
        Assert.True(Directory.GetFiles(sharded.Path, "model-*-of-*.safetensors").Length > 1);
        using TransformerModel a = ModelLoader.Load(single.Path), b = ModelLoader.Load(sharded.Path);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = CheckpointFolder.Ids(TestConfigs.Sequence);
        Assert.True(a.Forward(ids).eq(b.Forward(ids)).all().item<bool>());
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_listed()
    {
        var config = TinyCheckpoints.Llama();
        var weights = TinyCheckpoints.RandomWeights(config, seed: 1);
        weights.Remove("model.layers.1.mlp.up_proj.weight");
        weights["model.layers.1.mlp.extra.weight"] = new RefTensor([2], [1, 2]);
        using var folder = new TempFolder();
        CheckpointFolder.Write(folder.Path, config, weights);
        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(folder.Path));
        Assert.Contains("missing 1 key (model.layers.1.mlp.up_proj.weight)", error.Message);
        Assert.Contains("unexpected 1 key (model.layers.1.mlp.extra.weight)", error.Message);
        Assert.Contains("model.safetensors", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_shape_that_disagrees_with_the_config_names_tensor_and_both_shapes()
    {
        var config = TinyCheckpoints.Gemma2();
        var weights = TinyCheckpoints.RandomWeights(config, seed: 1);
        weights["model.layers.0.self_attn.k_proj.weight"] = new RefTensor([8, 32], new double[8 * 32]);
        using var folder = new TempFolder();
        CheckpointFolder.Write(folder.Path, config, weights);
        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(folder.Path));
        Assert.Contains("'model.layers.0.self_attn.k_proj.weight' has shape [8, 32], config.json implies [32, 32]", error.Message);
    }

    public static IEnumerable<object[]> BadConfigs =>
    [
        [(Action<JsonObject>)(c => c["model_type"] = "bert"), "model_type 'bert' is not supported; supported: gpt2, gpt_neox, llama, mistral, qwen2, gemma2"],
        [(Action<JsonObject>)(c => c.Remove("model_type")), "model_type is missing"],
        [(Action<JsonObject>)(c => c["hidden_size"] = "big"), "field 'hidden_size' must be an integer, got \"big\""],
        [(Action<JsonObject>)(c => c.Remove("vocab_size")), "required field 'vocab_size' is missing"],
        [(Action<JsonObject>)(c => c["num_key_value_heads"] = 3), "num_attention_heads (4) must be a multiple of num_key_value_heads (3)"],
        [(Action<JsonObject>)(c => c["hidden_act"] = "mish"), "field 'hidden_act' = \"mish\" is not supported"],
        [(Action<JsonObject>)(c => c["rope_scaling"] = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 2.0 }), "field 'rope_type' = \"yarn\" is not supported"],
    ];

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_configs_get_one_line_errors_naming_file_field_and_value(Action<JsonObject> spoil, string expected)
    {
        var config = TinyCheckpoints.Llama();
        var weights = TinyCheckpoints.RandomWeights(config, seed: 1);
        using var folder = new TempFolder();
        CheckpointFolder.Write(folder.Path, config, weights);
        JsonObject spoiled = TinyCheckpoints.Llama();
        spoil(spoiled);
        File.WriteAllText(folder.File("config.json"), spoiled.ToJsonString());
        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(folder.Path));
        Assert.Contains(expected, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void A_folder_without_weights_names_the_files_it_looked_for()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("config.json"), TinyCheckpoints.Gpt2().ToJsonString());
        var error = Assert.Throws<TensorFileException>(() => ModelLoader.Load(folder.Path));
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("model.safetensors.index.json", error.Message);
    }

    [Fact]
    public void A_missing_shard_is_named()
    {
        var config = TinyCheckpoints.Gpt2();
        using var folder = new TempFolder();
        CheckpointFolder.Write(folder.Path, config, TinyCheckpoints.RandomWeights(config, seed: 4), shardBytes: 30_000);
        string victim = Directory.GetFiles(folder.Path, "model-*-of-*.safetensors").Order().Last();
        File.Delete(victim);
        var error = Assert.Throws<TensorFileException>(() => ModelLoader.Load(folder.Path));
        Assert.Contains(Path.GetFileName(victim), error.Message);
    }
}
