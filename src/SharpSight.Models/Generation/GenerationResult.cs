namespace SharpSight.Models.Generation;

/// <summary>Why a sequence stopped.</summary>
public enum StopReason
{
    /// <summary>It reached the maximum number of new tokens.</summary>
    MaxTokens,
    /// <summary>It produced a stop token (end of sequence or one of the options' stop tokens).</summary>
    StopToken,
    /// <summary>Its text contained a stop string.</summary>
    StopString,
}

/// <summary>One generated sequence.</summary>
/// <param name="PromptIds">The prompt as given.</param>
/// <param name="GeneratedIds">New tokens, the stop token included when one ended the sequence.</param>
/// <param name="Text">Decoded new text, cut before a stop string, without special tokens.</param>
/// <param name="Reason">Why generation stopped.</param>
public sealed record GenerationResult(IReadOnlyList<int> PromptIds, IReadOnlyList<int> GeneratedIds, string Text, StopReason Reason);

/// <summary>One decoding step of a batch: the token each sequence produced, or null for sequences already finished.</summary>
/// <param name="Step">0 for the first new token.</param>
/// <param name="Tokens">One entry per sequence of the batch.</param>
public sealed record GenerationStep(int Step, IReadOnlyList<int?> Tokens);
