using static TorchSharp.torch;

namespace SharpSight.Tracing.Execution;

/// <summary>
/// What a trace produced: its saved values by name and, unless it stopped early, the logits of every input. Owns its
/// tensors; dispose it when done.
/// </summary>
public sealed class TraceResult : IDisposable
{
    internal TraceResult(Dictionary<string, Tensor> saved, IReadOnlyList<Tensor>? logits)
    {
        Saved = saved;
        Logits = logits;
    }

    /// <summary>Saved values by name (detached from any autograd graph).</summary>
    public IReadOnlyDictionary<string, Tensor> Saved { get; }

    /// <summary>Logits [sequences, pos, vocab] per input, or null when the trace stopped early.</summary>
    public IReadOnlyList<Tensor>? Logits { get; }

    /// <summary>A saved value.</summary>
    public Tensor this[string name] =>
        Saved.TryGetValue(name, out Tensor? value) ? value : throw new KeyNotFoundException($"nothing was saved as '{name}' (saved: {string.Join(", ", Saved.Keys)})");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor value in Saved.Values) value.Dispose();
        if (Logits is not null) foreach (Tensor value in Logits) value.Dispose();
    }
}
