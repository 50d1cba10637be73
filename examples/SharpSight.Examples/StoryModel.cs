using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Examples;

/// <summary>stories260K with its tokenizer, imported into ~/.cache/sharpsight (or $SHARPSIGHT_HOME) on first use.</summary>
internal sealed class StoryModel : IDisposable
{
    private StoryModel(TransformerModel model, ITokenizer tokenizer)
    {
        Model = model;
        Tokenizer = tokenizer;
    }

    public TransformerModel Model { get; }
    public ITokenizer Tokenizer { get; }

    public long[] Ids(string text) => [.. Tokenizer.Encode(text).Ids.Select(i => (long)i)];

    public static StoryModel Load()
    {
        string folder = Path.Combine(BuiltinModels.DefaultCacheRoot(), "stories260K");
        if (!File.Exists(Path.Combine(folder, "config.json")))
        {
            string data = SharedData("models/llama2c-stories260K");
            Llama2cImport.Convert(Path.Combine(data, "stories260K.bin"), folder, Path.Combine(data, "tok512.model"));
        }
        return new StoryModel(ModelLoader.Load(folder), TokenizerLoader.Load(folder));
    }

    // shared/data sits beside the checkout.
    private static string SharedData(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"shared/data/{relative} not found beside the checkout");
    }

    public void Dispose() => Model.Dispose();
}
