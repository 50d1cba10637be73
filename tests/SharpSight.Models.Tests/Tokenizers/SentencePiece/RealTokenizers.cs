using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers;
using SharpSight.Models.Tokenizers.SentencePiece;

namespace SharpSight.Models.Tests.Tokenizers.SentencePiece;

/// <summary>The real Llama-2 and Mistral tokenizers of shared/data, each loaded once for the whole test run.</summary>
public static class RealTokenizers
{
    private static readonly Lazy<SentencePieceBpeTokenizer> LlamaJsonLazy = new(() => SentencePieceBpeTokenizer.FromTokenizerJson(SharedData.Path("tokenizers/llama2/tokenizer.json")));
    private static readonly Lazy<ITokenizer> LlamaModelLazy = new(() => SentencePieceBpeTokenizer.FromSentencePieceModel(SharedData.Path("tokenizers/llama2/tokenizer.model"), null));
    private static readonly Lazy<SentencePieceBpeTokenizer> MistralJsonLazy = new(() => SentencePieceBpeTokenizer.FromTokenizerJson(SharedData.Path("tokenizers/mistral-7b-v0.1/tokenizer.json")));
    private static readonly Lazy<ITokenizer> MistralModelLazy = new(() => SentencePieceBpeTokenizer.FromSentencePieceModel(
        SharedData.Path("tokenizers/mistral-7b-v0.1/tokenizer.model"), SharedData.Path("tokenizers/mistral-7b-v0.1/tokenizer_config.json")));
    private static readonly Lazy<ITokenizer> MistralV3ModelLazy = new(() => SentencePieceBpeTokenizer.FromSentencePieceModel(SharedData.Path("tokenizers/mistral-v3/tokenizer.model.v3"), null));
    private static readonly Lazy<List<string>> CorpusLazy = new(() => RandomTextCorpus.Generate(2500, seed: 20240607));

    public static SentencePieceBpeTokenizer LlamaJson => LlamaJsonLazy.Value;
    public static ITokenizer LlamaModel => LlamaModelLazy.Value;
    public static SentencePieceBpeTokenizer MistralJson => MistralJsonLazy.Value;
    public static ITokenizer MistralModel => MistralModelLazy.Value;
    public static ITokenizer MistralV3Model => MistralV3ModelLazy.Value;

    /// <summary>2,500 seeded random strings (see <see cref="RandomTextCorpus"/>).</summary>
    public static IReadOnlyList<string> Corpus => CorpusLazy.Value;

    /// <summary>"llama2-json", "llama2-model", "mistral-json", "mistral-model".</summary>
    public static ITokenizer Get(string name) => name switch
    {
        "llama2-json" => LlamaJson,
        "llama2-model" => LlamaModel,
        "mistral-json" => MistralJson,
        "mistral-model" => MistralModel,
        "mistral-v3-model" => MistralV3Model,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
