namespace SharpSight.Models.Chat;

/// <summary>
/// Llama 3: "&lt;|begin_of_text|&gt;" then turns "&lt;|start_header_id|&gt;ROLE&lt;|end_header_id|&gt;\n\nCONTENT&lt;|eot_id|&gt;"
/// (content trimmed). The Llama 3.1+ templates always open with a system turn carrying "Cutting Knowledge Date" and
/// "Today Date" lines before any system message.
/// </summary>
/// <remarks>
/// Hugging Face fills "Today Date" with the current date; for reproducible prompts this uses a fixed date, by default
/// the template's own fallback, 26 Jul 2024.
/// </remarks>
public sealed class Llama3ChatFormat(bool dated, string? date = null) : ChatFormat
{
    private readonly string _date = date ?? "26 Jul 2024";

    /// <inheritdoc />
    public override string Name => dated ? "llama3.1" : "llama3";

    /// <inheritdoc />
    public override string EndOfTurn => "<|eot_id|>";

    /// <inheritdoc />
    protected override string Begin(IReadOnlyList<ChatMessage> messages)
    {
        if (!dated) return "<|begin_of_text|>";
        string system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content.Trim() : "";
        return "<|begin_of_text|>" + OpenTurn("system") + "Cutting Knowledge Date: December 2023\n" + $"Today Date: {_date}\n\n" + system + EndOfTurn;
    }

    /// <inheritdoc />
    protected override IEnumerable<ChatMessage> TurnsAfterBegin(IReadOnlyList<ChatMessage> messages) =>
        dated && messages.Count > 0 && messages[0].Role == "system" ? messages.Skip(1) : messages;

    /// <inheritdoc />
    protected override string Turn(string role, string content) => OpenTurn(role) + content.Trim() + EndOfTurn;

    /// <inheritdoc />
    protected override string OpenTurn(string role) => $"<|start_header_id|>{role}<|end_header_id|>\n\n";
}
