using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// Keys and values of every layer for the positions processed so far, so that decoding one more token costs one
/// position's work. Keys are stored after rotary embeddings, values as projected, both with the model's key/value heads
/// [batch, kv_heads, positions, head_dim]. Owns its tensors: dispose it when done.
/// </summary>
/// <remarks>
/// The cache keeps every position, also for sliding-window layers (the window is applied by masking), so hook points
/// and positions mean the same with and without it. Pass the attention mask for all positions so far (cached + new)
/// with each forward call.
/// </remarks>
public sealed class KeyValueCache : IDisposable
{
    private readonly Tensor?[] _keys, _values;

    /// <summary>An empty cache for a model with <paramref name="layers"/> blocks.</summary>
    public KeyValueCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>Positions cached so far (padding included).</summary>
    public long Length => _keys[0]?.shape[2] ?? 0;

    /// <summary>Appends this pass's keys and values for a layer; returns all keys and values so far.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        Tensor allKeys = _keys[layer] is { } pastKeys ? cat([pastKeys, keys], 2) : keys.alias();
        Tensor allValues = _values[layer] is { } pastValues ? cat([pastValues, values], 2) : values.alias();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        // The cache outlives the forward pass's dispose scope; the returned handles stay in the caller's scope.
        _keys[layer] = allKeys.detach().DetachFromDisposeScope();
        _values[layer] = allValues.detach().DetachFromDisposeScope();
        return (allKeys, allValues);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i]?.Dispose();
            _values[i]?.Dispose();
            _keys[i] = _values[i] = null;
        }
    }
}
