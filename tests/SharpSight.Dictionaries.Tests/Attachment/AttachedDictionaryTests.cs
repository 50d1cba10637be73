using SharpSight.Dictionaries.Attachment;
using SharpSight.Dictionaries.Training;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Attachment;

public sealed class AttachedDictionaryTests : IDisposable
{
    private const string Host = "blocks.0.hook_resid_post";
    private static readonly long[] Tokens = [3, 14, 15, 92, 65, 35];
    private readonly string _home = Path.Combine(Path.GetTempPath(), "sharpsight-dictionary-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    private TransformerModel Model() => ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + "tiny-pythia", _home));

    private static SparseDictionary RandomDictionary(int inputSize, DictionaryArchitecture architecture = DictionaryArchitecture.Relu)
    {
        SparseDictionary dictionary = Dictionary.Create(new DictionaryConfig { Architecture = architecture, InputSize = inputSize, Width = 3 * inputSize, K = 4 });
        using var generator = new Generator(7);
        dictionary.Initialize(generator, 1.0);
        using (no_grad())
        {
            dictionary.EncoderBias?.copy_(randn([dictionary.Width], generator: generator) * 0.1);
            dictionary.DecoderBias.copy_(randn([inputSize], generator: generator) * 0.1);
        }
        return dictionary;
    }

    private static long DModel(TransformerModel model) => model.Hooks[Host].Shape.Dims[^1].Size;

    [Fact]
    public void With_the_error_term_the_model_computes_what_it_did_and_the_points_hold_the_dictionary_values()
    {
        using TransformerModel model = Model();
        using SparseDictionary dictionary = RandomDictionary((int)DModel(model));
        Tensor plain;
        using (no_grad()) plain = model.Forward(Tokens);
        using AttachedDictionary attached = AttachedDictionary.Attach(model, Host, dictionary);

        var trace = new Trace(model);
        TraceInput input = trace.Input(Tokens);
        trace.Save("x", input.Hook(attached.PointName("hook_sae_input")).Value);
        trace.Save("f", input.Hook(attached.PointName("hook_sae_acts_post")).Value);
        trace.Save("recons", input.Hook(attached.PointName("hook_sae_recons")).Value);
        trace.Save("error", input.Hook(attached.PointName("hook_sae_error")).Value);
        trace.Save("logits", input.Logits.Value);
        using TraceResult result = trace.Run();

        Assert.True(result["logits"].allclose(plain, rtol: 1e-4, atol: 1e-5));
        using (no_grad())
        {
            Tensor f = dictionary.Encode(result["x"]);
            Assert.True(result["f"].allclose(f, atol: 1e-6));
            Assert.True(result["recons"].allclose(dictionary.Decode(f), atol: 1e-5));
            Assert.True((result["recons"] + result["error"]).allclose(result["x"], atol: 1e-5));
            Assert.True(result["f"].gt(0).any().item<bool>(), "some features fire");
        }
    }

    [Fact]
    public void Editing_features_changes_only_the_reconstruction_and_zeroing_them_leaves_bias_plus_error()
    {
        using TransformerModel model = Model();
        using SparseDictionary dictionary = RandomDictionary((int)DModel(model));
        using AttachedDictionary attached = AttachedDictionary.Attach(model, Host, dictionary);

        var trace = new Trace(model);
        TraceInput input = trace.Input(Tokens);
        trace.Save("x", input.Hook(attached.PointName("hook_sae_input")).Value);
        input.Hook(attached.PointName("hook_sae_acts_post")).Zero();
        trace.Save("error", input.Hook(attached.PointName("hook_sae_error")).Value);
        trace.Save("out", input.Hook(attached.PointName("hook_sae_output")).Value);
        trace.Save("next", input.Blocks[1].ResidPre.Value);
        using TraceResult result = trace.Run();

        using (no_grad())
        {
            Tensor cleanError = result["x"] - dictionary.Decode(dictionary.Encode(result["x"]));
            Assert.True(result["error"].allclose(cleanError, atol: 1e-5), "the error is the clean input's");
            Tensor expected = cleanError + dictionary.DecoderBias;
            Assert.True(result["out"].allclose(expected, atol: 1e-5));
            Assert.True(result["next"].allclose(expected, atol: 1e-5), "the edit flows on into the next block");
        }
    }

    [Fact]
    public void The_gradient_splits_into_feature_and_error_parts_and_upstream_gradients_are_the_models()
    {
        using TransformerModel model = Model();
        using SparseDictionary dictionary = RandomDictionary((int)DModel(model));

        Tensor upstreamPlain, hostGradient;
        {
            var trace = new Trace(model);
            TraceInput input = trace.Input(Tokens);
            TraceValue metric = input.Logits.Value[0, ^1, 5];
            trace.Save("up", trace.Gradient(metric, input.Blocks[0].ResidPre));
            trace.Save("host", trace.Gradient(metric, input.Blocks[1].ResidPre));
            using TraceResult result = trace.Run();
            upstreamPlain = result["up"].clone();
            hostGradient = result["host"].clone();
        }

        using AttachedDictionary attached = AttachedDictionary.Attach(model, Host, dictionary);
        var traced = new Trace(model);
        TraceInput x = traced.Input(Tokens);
        TraceValue m = x.Logits.Value[0, ^1, 5];
        traced.Save("up", traced.Gradient(m, x.Blocks[0].ResidPre));
        traced.Save("f", traced.Gradient(m, x.Hook(attached.PointName("hook_sae_acts_post"))));
        traced.Save("error", traced.Gradient(m, x.Hook(attached.PointName("hook_sae_error"))));
        using TraceResult withDictionary = traced.Run();

        Assert.True(withDictionary["up"].allclose(upstreamPlain, rtol: 1e-3, atol: 1e-5), "upstream gradients are the model's");
        Assert.True(withDictionary["error"].allclose(hostGradient, rtol: 1e-4, atol: 1e-6), "∂m/∂ε is the host's gradient");
        using (no_grad())
            Assert.True(withDictionary["f"].allclose(matmul(hostGradient, dictionary.DecoderWeight.t()), rtol: 1e-4, atol: 1e-6), "∂m/∂f = ∂m/∂x̂ · W_decᵀ");
    }

    [Fact]
    public void Without_the_error_term_the_reconstruction_replaces_the_activation()
    {
        using TransformerModel model = Model();
        using SparseDictionary dictionary = RandomDictionary((int)DModel(model), DictionaryArchitecture.TopK);
        using AttachedDictionary attached = AttachedDictionary.Attach(model, Host, dictionary, useErrorTerm: false);
        var trace = new Trace(model);
        TraceInput input = trace.Input(Tokens);
        trace.Save("x", input.Hook(attached.PointName("hook_sae_input")).Value);
        trace.Save("f", input.Hook(attached.PointName("hook_sae_acts_post")).Value);
        trace.Save("next", input.Blocks[1].ResidPre.Value);
        using TraceResult result = trace.Run();
        using (no_grad())
        {
            Assert.True(result["next"].allclose(dictionary.Decode(dictionary.Encode(result["x"])), atol: 1e-5));
            Assert.All(result["f"].gt(0).sum(-1).data<long>().ToArray(), count => Assert.True(count <= 4));
        }
    }

    [Fact]
    public void Detaching_removes_the_points_and_a_wrong_size_or_a_second_dictionary_is_refused()
    {
        using TransformerModel model = Model();
        int points = model.Hooks.Count;
        using SparseDictionary dictionary = RandomDictionary((int)DModel(model));
        using (AttachedDictionary.Attach(model, Host, dictionary))
        {
            Assert.Equal(points + AttachedDictionary.PointNames.Count, model.Hooks.Count);
            var again = Assert.Throws<ArgumentException>(() => AttachedDictionary.Attach(model, Host, dictionary));
            Assert.Contains("already attached", again.Message);
        }
        Assert.Equal(points, model.Hooks.Count);
        Assert.False(model.Hooks.Contains($"{Host}.hook_sae_acts_post"));

        using SparseDictionary wrong = RandomDictionary((int)DModel(model) + 1);
        var error = Assert.Throws<ArgumentException>(() => AttachedDictionary.Attach(model, Host, wrong));
        Assert.Contains($"d_in {DModel(model) + 1}", error.Message);
        Assert.Contains(Host, error.Message);
    }
}
