namespace SharpSight.Models.Chat;

/// <summary>
/// Gemma: "&lt;bos&gt;" then turns "&lt;start_of_turn&gt;ROLE\nCONTENT&lt;end_of_turn&gt;\n" with the assistant called "model" and
/// content trimmed.
/// </summary>
/// <remarks>
/// Gemma's template refuses a system role; here a system message is put at the top of the first user turn, separated by
/// a blank line (the convention Gemma's model cards use), so system prompts still work.
/// </remarks>
public sealed class GemmaChatFormat : ChatFormat
{
    /// <inheritdoc />
    public override string Name => "gemma";

    /// <inheritdoc />
    public override string EndOfTurn => "<end_of_turn>";

    /// <inheritdoc />
    protected override string Begin(IReadOnlyList<ChatMessage> messages) => "<bos>";

    /// <inheritdoc />
    protected override IEnumerable<ChatMessage> TurnsAfterBegin(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0 || messages[0].Role != "system") return messages;
        string system = messages[0].Content.Trim();
        if (messages.Count > 1 && messages[1].Role == "user")
            return [ChatMessage.User(system + "\n\n" + messages[1].Content.Trim()), .. messages.Skip(2)];
        return [ChatMessage.User(system), .. messages.Skip(1)];
    }

    /// <inheritdoc />
    protected override string Turn(string role, string content) => OpenTurn(role) + content.Trim() + EndOfTurn + "\n";

    /// <inheritdoc />
    protected override string OpenTurn(string role) => $"<start_of_turn>{(role == "assistant" ? "model" : role)}\n";
}
