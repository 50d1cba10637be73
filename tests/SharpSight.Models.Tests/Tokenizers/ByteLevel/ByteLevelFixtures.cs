using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using SharpSight.Models.Tests.Support;
using SharpSight.Models.Tokenizers.ByteLevel;

namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;

/// <summary>The real tokenizers and the corpus, loaded once per test run and shared by all byte-level test classes.</summary>
public static class ByteLevelFixtures
{
    public const int CorpusSize = 10_000;
    public const int CorpusSeed = 1234;

    private static readonly Lazy<ByteLevelBpeTokenizer> LazyGpt2 = new(() => ByteLevelBpeTokenizer.FromTokenizerJson(SharedData.Path("tokenizers/gpt2/tokenizer.json")));
    private static readonly Lazy<ByteLevelBpeTokenizer> LazyNeoX = new(() => ByteLevelBpeTokenizer.FromTokenizerJson(SharedData.Path("tokenizers/gpt-neox-20b/20B_tokenizer.json")));
    private static readonly Lazy<ByteLevelBpeTokenizer> LazyLlama3 = new(() => ByteLevelBpeTokenizer.FromTiktoken(
        SharedData.Path("tokenizers/llama3/tokenizer.model"), SharedData.Path("tokenizers/llama3/tokenizer_config.json"), ByteLevelPatterns.Llama3));
    private static readonly Lazy<ByteLevelBpeTokenizer> LazyQwen = new(() => ByteLevelBpeTokenizer.FromVocabAndMerges(
        SharedData.Path("tokenizers/qwen2.5/vocab.json"), SharedData.Path("tokenizers/qwen2.5/merges.txt"),
        SharedData.Path("tokenizers/qwen2.5/tokenizer_config.json"), ByteLevelPatterns.Qwen2, nfc: true));
    private static readonly Lazy<List<string>> LazyCorpus = new(() => TokenizerCorpus.Generate(CorpusSize, CorpusSeed));

    // For the comparison with Microsoft.ML.Tokenizers: strings with supplementary-plane letters or digits are left out
    // (its .NET regex misreads them), so draw until 10,000 strings remain.
    private static readonly Lazy<List<string>> LazyMlComparableCorpus = new(() =>
        TokenizerCorpus.Generate(14_000, CorpusSeed + 1).Where(s => !TokenizerCorpus.HasSupplementaryLetterOrNumber(s)).Take(10_000).ToList());

    // Independent implementations (Microsoft.ML.Tokenizers' tiktoken encoder).
    private static readonly Lazy<TiktokenTokenizer> LazyMlLlama3 = new(() => TiktokenTokenizer.Create(
        SharedData.Path("tokenizers/llama3/tokenizer.model"), new RegexPreTokenizer(new Regex(ByteLevelPatterns.Llama3, RegexOptions.Compiled), null), null, null));

    public static ByteLevelBpeTokenizer Gpt2 => LazyGpt2.Value;
    public static ByteLevelBpeTokenizer NeoX => LazyNeoX.Value;
    public static ByteLevelBpeTokenizer Llama3 => LazyLlama3.Value;
    public static ByteLevelBpeTokenizer Qwen => LazyQwen.Value;
    public static IReadOnlyList<string> Corpus => LazyCorpus.Value;
    public static IReadOnlyList<string> MlComparableCorpus => LazyMlComparableCorpus.Value;
    /// <summary>
    /// A fresh instance per use: a long-lived Microsoft.ML.Tokenizers instance was seen to encode "&lt;|endoftext|&gt;" as
    /// seven ordinary tokens after a large corpus had gone through it (a fresh one gives 50256), so the reference keeps
    /// no state between uses.
    /// </summary>
    public static TiktokenTokenizer MlGpt2 => TiktokenTokenizer.CreateForModel("gpt2");
    public static TiktokenTokenizer MlLlama3 => LazyMlLlama3.Value;

    /// <summary>The four real tokenizers by name, for theories.</summary>
    public static ByteLevelBpeTokenizer ByName(string name) => name switch
    {
        "gpt2" => Gpt2,
        "neox" => NeoX,
        "llama3" => Llama3,
        "qwen2.5" => Qwen,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Whether the tokenizer NFC-normalizes (so decoding gives the NFC form of the input).</summary>
    public static bool Normalizes(string name) => name is "neox" or "qwen2.5";

    /// <summary>
    /// SHA-256 (hex) of the ids of every string, one line per string with ids joined by commas, lines joined by "\n";
    /// <c>GenerateGoldens.py</c> computes the same digest with its independent Python implementations.
    /// </summary>
    public static string IdsDigest(IEnumerable<IReadOnlyList<int>> idLists)
    {
        var sb = new StringBuilder();
        bool first = true;
        foreach (var ids in idLists)
        {
            if (!first) sb.Append('\n');
            first = false;
            sb.AppendJoin(',', ids);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
