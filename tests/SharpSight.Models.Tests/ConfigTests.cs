using System.Text.Json.Nodes;
using SharpSight.Models.Architecture;
using SharpSight.Models.Families;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Tests.Reference;

namespace SharpSight.Models.Tests;

/// <summary>Defaults and field spellings Hugging Face's config classes apply when config.json is silent.</summary>
public class ConfigTests
{
    private static TransformerConfig Read(JsonObject json) => ModelFamilies.ReadConfig(new HfConfigJson(json, "config.json")).Config;

    [Theory]
    [InlineData("llama", 4)]     // LlamaConfig: one kv head per query head
    [InlineData("mistral", 8)]   // MistralConfig default
    [InlineData("qwen2", 32)]    // Qwen2Config default
    public void Absent_num_key_value_heads_takes_the_config_class_default(string modelType, int expected)
    {
        JsonObject json = TinyCheckpoints.Llama(heads: 4, kvHeads: 4);
        json["model_type"] = modelType;
        json["num_attention_heads"] = 64;
        json["hidden_size"] = 256;
        json.Remove("num_key_value_heads");
        Assert.Equal(modelType == "llama" ? 64 : expected, Read(json).KeyValueHeads);
        json["num_key_value_heads"] = null;
        Assert.Equal(64, Read(json).KeyValueHeads);
    }

    [Fact]
    public void Mistral_slides_4096_when_the_key_is_absent_and_not_at_all_when_null()
    {
        JsonObject json = TinyCheckpoints.Mistral();
        json.Remove("sliding_window");
        Assert.All(Read(json).SlidingWindows, w => Assert.Equal(4096, w));
        json["sliding_window"] = null;
        Assert.All(Read(json).SlidingWindows, w => Assert.Null(w));
    }

    [Fact]
    public void NeoX_takes_its_rotary_base_from_rotary_emb_base_not_a_top_level_rope_theta()
    {
        JsonObject json = TinyCheckpoints.GptNeoX(rotaryEmbBase: 20000);
        json["rope_theta"] = 99;
        Assert.Equal(20000, Read(json).RopeTheta);
    }

    [Fact]
    public void Gemma2_slides_on_even_layers_and_soft_caps_by_default()
    {
        JsonObject json = TinyCheckpoints.Gemma2(layers: 4, slidingWindow: 5);
        json.Remove("attn_logit_softcapping");
        json.Remove("layer_types");
        TransformerConfig config = Read(json);
        Assert.Equal(new int?[] { 5, null, 5, null }, config.SlidingWindows);
        Assert.Equal(50.0, config.AttentionSoftcap);
        json["attn_logit_softcapping"] = null;
        Assert.Null(Read(json).AttentionSoftcap);
    }

    [Fact]
    public void Llama3_rope_scaling_rescales_only_low_and_medium_frequencies()
    {
        float[] plain = RotaryEmbedding.InverseFrequencies(64, 500000, null);
        float[] scaled = RotaryEmbedding.InverseFrequencies(64, 500000, new RopeScaling("llama3", 8, 1, 4, 8192));
        Assert.Equal(plain[0], scaled[0]);                      // wavelength 2π: far above the high-frequency cut-off
        Assert.Equal(plain[^1] / 8, scaled[^1], 6);             // longest wavelength: divided by the factor
        int medium = Enumerable.Range(0, plain.Length).First(i => 2 * Math.PI / plain[i] >= 8192 / 4.0);
        Assert.InRange(scaled[medium], plain[medium] / 8, plain[medium]);   // smooth band in between
    }
}
