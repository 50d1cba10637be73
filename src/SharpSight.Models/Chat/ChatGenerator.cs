using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Models.Chat;

/// <summary>
/// Generation inside a chat format: assistant replies, replies that continue a prefill, and sampled user turns
/// (persona sampling). Each stops at the format's end of turn (its special token when the tokenizer has one).
/// </summary>
public sealed class ChatGenerator
{
    private readonly ITokenizer _tokenizer;
    private readonly TextGenerator _generator;

    /// <summary>A chat generator for a model, its tokenizer and its chat format.</summary>
    public ChatGenerator(TransformerModel model, ITokenizer tokenizer, ChatFormat format)
    {
        _tokenizer = tokenizer;
        _generator = new TextGenerator(model, tokenizer);
        Format = format;
    }

    /// <summary>The chat format in use.</summary>
    public ChatFormat Format { get; }

    /// <summary>The assistant's next turn; with <paramref name="prefill"/> the turn starts with that text and the model continues it.</summary>
    public GenerationResult Reply(IReadOnlyList<ChatMessage> messages, GenerationOptions options, string? prefill = null, Action<string>? onText = null) =>
        Run(prefill is null ? Format.Render(messages) : Format.RenderPrefill(messages, prefill), options, onText);

    /// <summary>Persona sampling: the model writes the next turn of <paramref name="role"/> (by default the user's).</summary>
    public GenerationResult SampleTurn(IReadOnlyList<ChatMessage> messages, GenerationOptions options, string role = "user", string prefix = "", Action<string>? onText = null) =>
        Run(Format.RenderOpenTurn(messages, role, prefix), options, onText);

    /// <summary>The token ids of a rendered chat text: special tokens parsed, none added (the format writes its own BOS).</summary>
    public IReadOnlyList<int> Encode(string renderedText) => _tokenizer.Encode(renderedText, addSpecialTokens: false, parseSpecialTokens: true).Ids;

    private GenerationResult Run(string rendered, GenerationOptions options, Action<string>? onText)
    {
        GenerationOptions stopping = _tokenizer.SpecialTokens.TryGetValue(Format.EndOfTurn, out int endOfTurn)
            ? options with { StopTokens = [.. options.StopTokens, endOfTurn] }
            : options with { StopStrings = [.. options.StopStrings, Format.EndOfTurn] };
        return _generator.Generate([Encode(rendered)], stopping, onText is null ? null : (_, text) => onText(text))[0];
    }
}
