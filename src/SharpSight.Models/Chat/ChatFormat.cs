using System.Text;

namespace SharpSight.Models.Chat;

/// <summary>
/// A model family's chat format: how a conversation becomes the text the model was trained on. Render the text, then
/// encode it with special tokens parsed and none added (as Hugging Face's apply_chat_template does): the format writes
/// its own BOS.
/// </summary>
/// <remarks>
/// Three ways to end the text: an open assistant turn (<see cref="Render"/>, for ordinary sampling), an assistant turn
/// already begun with a prefix (<see cref="RenderPrefill"/>, for prefill attacks), or an open turn of any role
/// (<see cref="RenderOpenTurn"/>; an open user turn makes the model write the user's side: persona sampling).
/// </remarks>
public abstract class ChatFormat
{
    /// <summary>Short name: llama3, gemma, chatml, plain.</summary>
    public abstract string Name { get; }

    /// <summary>The text that closes a turn; generation of a turn should stop on it.</summary>
    public abstract string EndOfTurn { get; }

    /// <summary>The conversation, followed by an open assistant turn when <paramref name="addGenerationPrompt"/>.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true) =>
        addGenerationPrompt ? RenderOpenTurn(messages, "assistant") : Conversation(messages);

    /// <summary>The conversation and an assistant turn that already begins with <paramref name="prefill"/>; the model continues it.</summary>
    public string RenderPrefill(IReadOnlyList<ChatMessage> messages, string prefill) => RenderOpenTurn(messages, "assistant", prefill);

    /// <summary>The conversation and an open turn of <paramref name="role"/> starting with <paramref name="prefix"/>.</summary>
    public string RenderOpenTurn(IReadOnlyList<ChatMessage> messages, string role, string prefix = "") =>
        Conversation(messages) + OpenTurn(role) + prefix;

    /// <summary>The conversation's text: beginning of text, system part, then every turn.</summary>
    protected virtual string Conversation(IReadOnlyList<ChatMessage> messages)
    {
        foreach (ChatMessage message in messages)
            if (message.Role is not ("system" or "user" or "assistant"))
                throw new ArgumentException($"chat role '{message.Role}' is not one of system, user, assistant");
        var text = new StringBuilder(Begin(messages));
        foreach (ChatMessage message in TurnsAfterBegin(messages)) text.Append(Turn(message.Role, message.Content));
        return text.ToString();
    }

    /// <summary>Text before the first turn (BOS, a default or dated system block).</summary>
    protected abstract string Begin(IReadOnlyList<ChatMessage> messages);

    /// <summary>The messages rendered as turns after <see cref="Begin"/> (all by default).</summary>
    protected virtual IEnumerable<ChatMessage> TurnsAfterBegin(IReadOnlyList<ChatMessage> messages) => messages;

    /// <summary>One complete turn.</summary>
    protected abstract string Turn(string role, string content);

    /// <summary>The header that opens a turn of <paramref name="role"/>.</summary>
    protected abstract string OpenTurn(string role);

    /// <summary>
    /// Chooses the format from a tokenizer_config.json's chat_template when it is one of the known ones (Llama-3, Gemma,
    /// ChatML); otherwise, or without a template, the plain format.
    /// </summary>
    public static ChatFormat FromTemplate(string? chatTemplate, string? date = null)
    {
        if (chatTemplate is null) return new PlainChatFormat();
        if (chatTemplate.Contains("<|start_header_id|>", StringComparison.Ordinal))
            return new Llama3ChatFormat(dated: chatTemplate.Contains("Cutting Knowledge Date", StringComparison.Ordinal), date);
        if (chatTemplate.Contains("<start_of_turn>", StringComparison.Ordinal)) return new GemmaChatFormat();
        if (chatTemplate.Contains("<|im_start|>", StringComparison.Ordinal)) return ChatMlFormat.FromTemplate(chatTemplate);
        return new PlainChatFormat();
    }

    /// <summary>A format by name (llama3, llama3.1, gemma, chatml, plain).</summary>
    public static ChatFormat FromName(string name) => name switch
    {
        "llama3" => new Llama3ChatFormat(dated: false),
        "llama3.1" => new Llama3ChatFormat(dated: true),
        "gemma" => new GemmaChatFormat(),
        "chatml" => new ChatMlFormat(defaultSystem: null),
        "plain" => new PlainChatFormat(),
        _ => throw new ArgumentException($"chat format '{name}' is not one of llama3, llama3.1, gemma, chatml, plain"),
    };
}
