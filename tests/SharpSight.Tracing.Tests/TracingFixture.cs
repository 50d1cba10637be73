using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Tests;

/// <summary>Built-in models written once per test class into a private folder.</summary>
public sealed class TracingFixture : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "sharpsight-tracing-tests", Guid.NewGuid().ToString("N"));

    public TransformerModel Load(string name, ScalarType dtype = ScalarType.Float32) =>
        ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + name, _home), new ModelLoadOptions { DType = dtype });

    public ITokenizer Tokenizer(string name) => TokenizerLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + name, _home));

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    public static readonly long[] Clean = [10, 20, 30, 40, 50, 60];
    public static readonly long[] Corrupt = [10, 20, 99, 40, 50, 61];
}
