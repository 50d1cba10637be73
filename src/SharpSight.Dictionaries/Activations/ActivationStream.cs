using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// Activations in stream order: every kept position of every window of the source, window after window (or the same
/// sequence read back from a cache). Pieces come as [n, d_in] float32 CPU tensors the caller disposes.
/// </summary>
internal abstract class ActivationStream : IDisposable
{
    private long _remaining;

    protected ActivationStream(long? maxActivations) => _remaining = maxActivations ?? long.MaxValue;

    /// <summary>Width of each activation.</summary>
    public abstract int DIn { get; }

    /// <summary>Windows read from the source so far.</summary>
    public virtual long Contexts => 0;

    /// <summary>Real tokens in those windows.</summary>
    public virtual long Tokens => 0;

    /// <summary>Activations handed out or skipped so far.</summary>
    public long Position { get; private set; }

    /// <summary>True when the stream stopped because it reached its activation limit.</summary>
    public bool LimitReached => _remaining == 0;

    /// <summary>The next piece (at least one row), or null at the end.</summary>
    public Tensor? Next()
    {
        if (_remaining == 0) return null;
        Tensor? piece = ReadNext();
        if (piece is null) return null;
        long rows = piece.shape[0];
        if (rows > _remaining)
        {
            Tensor cut = piece.narrow(0, 0, _remaining);
            piece.Dispose();
            piece = cut;
            rows = _remaining;
        }
        _remaining -= rows;
        Position += rows;
        return piece;
    }

    /// <summary>Skips the first <paramref name="count"/> activations (call before <see cref="Next"/>); returns how many there were.</summary>
    public long SkipTo(long count)
    {
        long skipped = Skip(Math.Min(count, _remaining));
        _remaining -= skipped;
        Position += skipped;
        return skipped;
    }

    protected abstract Tensor? ReadNext();

    protected abstract long Skip(long count);

    /// <inheritdoc />
    public abstract void Dispose();
}
