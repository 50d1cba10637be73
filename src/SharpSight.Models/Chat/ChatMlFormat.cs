using System.Text.RegularExpressions;

namespace SharpSight.Models.Chat;

/// <summary>
/// ChatML (Qwen): turns "&lt;|im_start|&gt;ROLE\nCONTENT&lt;|im_end|&gt;\n", content as given. Qwen2.5's template adds a default
/// system turn when the conversation has none; the default is read from the template.
/// </summary>
public sealed partial class ChatMlFormat(string? defaultSystem) : ChatFormat
{
    /// <summary>The system prompt used when the conversation has none, or null for no system turn.</summary>
    public string? DefaultSystem { get; } = defaultSystem;

    /// <inheritdoc />
    public override string Name => "chatml";

    /// <inheritdoc />
    public override string EndOfTurn => "<|im_end|>";

    /// <summary>Reads a default system prompt written literally in the template, as Qwen2.5's does.</summary>
    public static ChatMlFormat FromTemplate(string template)
    {
        Match match = DefaultSystemPattern().Match(template);
        return new ChatMlFormat(match.Success ? match.Groups[1].Value : null);
    }

    [GeneratedRegex(@"'<\|im_start\|>system\\n([^'{}\\]+)<\|im_end\|>\\n'")]
    private static partial Regex DefaultSystemPattern();

    /// <inheritdoc />
    protected override string Begin(IReadOnlyList<ChatMessage> messages) =>
        (messages.Count == 0 || messages[0].Role != "system") && DefaultSystem is not null ? Turn("system", DefaultSystem) : "";

    /// <inheritdoc />
    protected override string Turn(string role, string content) => OpenTurn(role) + content + EndOfTurn + "\n";

    /// <inheritdoc />
    protected override string OpenTurn(string role) => $"<|im_start|>{role}\n";
}
