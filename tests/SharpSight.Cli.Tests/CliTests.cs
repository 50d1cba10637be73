using SharpSight.Cli;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using static TorchSharp.torch;

namespace SharpSight.Cli.Tests;

/// <summary>Runs the sharpsight command line in-process, the way a user types it.</summary>
public sealed class CliTests : CliHarness
{
    [Fact]
    public void Inspect_lists_family_parameters_dtype_and_hook_points()
    {
        var (code, output, error) = Run("inspect", "--model", Folder("tiny-gpt2"));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("family       gpt2", output);
        Assert.Contains("parameters   141,056", output);
        Assert.Contains("dtype        float32", output);
        Assert.Contains("blocks.1.attn.hook_pattern", output);
        Assert.Contains("[batch, 4, query_pos, key_pos]", output);
    }

    [Fact]
    public void Logits_writes_float32_npy_equal_to_the_library_forward()
    {
        string folder = Folder("tiny-pythia"), outFile = Path.Combine(Home, "logits.npy");
        var (code, _, error) = Run("logits", "--model", folder, "--ids", "1,5,9", "--out", outFile);
        Assert.True(code == 0, error);

        using var scope = NewDisposeScope();
        Tensor written = Npy.Read(outFile);
        using TransformerModel model = ModelLoader.Load(folder);
        using var noGrad = no_grad();
        Tensor expected = model.Forward([1L, 5, 9]);
        Assert.Equal(ScalarType.Float32, written.dtype);
        Assert.Equal(new long[] { 3, 512 }, written.shape);
        Assert.True(written.eq(expected).all().item<bool>());
    }

    [Fact]
    public void Activations_writes_the_hook_value_without_the_batch_dimension()
    {
        string folder = Folder("tiny-gemma2"), outFile = Path.Combine(Home, "pattern.npy");
        var (code, _, error) = Run("activations", "--model", folder, "--ids", "1,5,9,2", "--hook", "blocks.0.attn.hook_pattern", "--out", outFile);
        Assert.True(code == 0, error);
        using var scope = NewDisposeScope();
        Tensor pattern = Npy.Read(outFile);
        Assert.Equal(new long[] { 4, 4, 4 }, pattern.shape);
        Assert.True(pattern.sum(-1).allclose(ones(4, 4), rtol: 0, atol: 1e-5), "attention rows must sum to one");
    }

    public static IEnumerable<object[]> BadInvocations =>
    [
        [new[] { "logits", "--model", "/no/such/folder", "--ids", "1", "--out", "x.npy" }, "/no/such/folder: model folder not found"],
        [new[] { "logits", "--model", "builtin:tiny-llama", "--ids", "1,x", "--out", "x.npy" }, "--ids: 'x' (item 2) is not an integer token id"],
        [new[] { "logits", "--model", "builtin:tiny-llama", "--ids", "1,99999", "--out", "x.npy" }, "token id 99999 (item 2) is outside the vocabulary [0, 512)"],
        [new[] { "logits", "--model", "builtin:tiny-llama", "--ids", "1", "--out", "x.npy", "--dtype", "int8" }, "--dtype 'int8' is not one of"],
        [new[] { "logits", "--model", "builtin:nope", "--ids", "1", "--out", "x.npy" }, "builtin:nope: no such built-in model"],
        [new[] { "activations", "--model", "builtin:tiny-gpt2", "--ids", "1", "--hook", "blocks.9.hook_resid_post", "--out", "x.npy" }, "no hook point named 'blocks.9.hook_resid_post'"],
        [new[] { "logits", "--ids", "1" }, "Option '--model' is required"],
        [new[] { "frobnicate" }, "error:"],
    ];

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void Bad_input_gives_one_line_and_a_nonzero_exit(string[] args, string expected)
    {
        var (code, output, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_reported_not_crashed_on()
    {
        string folder = Path.Combine(Home, "corrupt");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Folder("tiny-gpt2"), "config.json"), Path.Combine(folder, "config.json"));
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder("tiny-gpt2"), "model.safetensors"));
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), bytes[..(bytes.Length / 2)]);
        var (code, _, error) = Run("inspect", "--model", folder);
        Assert.Equal(1, code);
        Assert.Contains("model.safetensors", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
