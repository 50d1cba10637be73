namespace SharpSight.Models.Chat;

/// <summary>
/// The fallback for models without a known template (base models, testbeds): "System: …", "User: …", "Assistant: …"
/// paragraphs separated by blank lines.
/// </summary>
public sealed class PlainChatFormat : ChatFormat
{
    /// <inheritdoc />
    public override string Name => "plain";

    /// <inheritdoc />
    public override string EndOfTurn => "\n\n";

    /// <inheritdoc />
    protected override string Begin(IReadOnlyList<ChatMessage> messages) => "";

    /// <inheritdoc />
    protected override string Turn(string role, string content) => OpenTurn(role) + content.Trim() + EndOfTurn;

    /// <inheritdoc />
    protected override string OpenTurn(string role) => $"{char.ToUpperInvariant(role[0])}{role[1..]}: ";
}
