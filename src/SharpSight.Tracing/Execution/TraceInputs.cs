using static TorchSharp.torch;

namespace SharpSight.Tracing.Execution;

/// <summary>
/// The inputs of a trace, each one or more token sequences, batched into one left-padded forward pass. Input i owns
/// rows [<see cref="Offsets"/>[i], Offsets[i] + <see cref="BatchSizes"/>[i]) of the batch; positions are those of the
/// padded batch (position -1 is every sequence's last token).
/// </summary>
public sealed class TraceInputs
{
    /// <summary>Inputs as lists of sequences of token ids.</summary>
    public TraceInputs(IReadOnlyList<IReadOnlyList<long[]>> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException("a trace needs at least one input");
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Count == 0) throw new ArgumentException($"input {i} has no sequences");
            if (inputs[i].Any(s => s.Length == 0)) throw new ArgumentException($"input {i} has an empty sequence");
        }
        Sequences = inputs;
        BatchSizes = inputs.Select(i => (long)i.Count).ToArray();
        Offsets = inputs.Select((_, i) => (long)inputs.Take(i).Sum(s => s.Count)).ToArray();
        Length = inputs.SelectMany(i => i).Max(s => s.Length);
        Padded = inputs.SelectMany(i => i).Any(s => s.Length != Length);
    }

    /// <summary>The sequences of each input.</summary>
    public IReadOnlyList<IReadOnlyList<long[]>> Sequences { get; }

    /// <summary>Sequences per input.</summary>
    public IReadOnlyList<long> BatchSizes { get; }

    /// <summary>First batch row of each input.</summary>
    public IReadOnlyList<long> Offsets { get; }

    /// <summary>The padded length.</summary>
    public long Length { get; }

    /// <summary>True when some sequence is shorter than the padded length.</summary>
    public bool Padded { get; }

    /// <summary>Ids [batch, Length] (left-padded with 0) and the mask (null without padding).</summary>
    public (Tensor Ids, Tensor? Mask) Batch(Device device)
    {
        long[][] rows = Sequences.SelectMany(i => i).ToArray();
        long[] ids = rows.SelectMany(s => Enumerable.Repeat(0L, (int)Length - s.Length).Concat(s)).ToArray();
        Tensor idTensor = tensor(ids, ScalarType.Int64, device).view(rows.Length, Length);
        if (!Padded) return (idTensor, null);
        long[] mask = rows.SelectMany(s => Enumerable.Repeat(0L, (int)Length - s.Length).Concat(Enumerable.Repeat(1L, s.Length))).ToArray();
        return (idTensor, tensor(mask, ScalarType.Int64, device).view(rows.Length, Length));
    }
}
