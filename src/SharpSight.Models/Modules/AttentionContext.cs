using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// What every attention layer of one forward pass shares: rotary tables, the key/value cache if any, and the masks
/// that say which keys each query may see (causal, padding and, per layer, a sliding window).
/// </summary>
/// <remarks>
/// Queries are the <see cref="QueryLength"/> newest positions of <see cref="KeyLength"/> (earlier positions come from the
/// cache). A mask entry is true where the query may attend the key. A padded query position sees no real key; it is
/// allowed to attend to itself only, so its softmax stays finite (its outputs are meaningless and never read).
/// </remarks>
public sealed class AttentionContext : IDisposable
{
    private readonly Tensor? _paddingMask;   // [B, KeyLength] bool, true = real token; null = no padding
    private readonly Device _device;
    private readonly Dictionary<int, Tensor> _masks = [];   // by window (0 = full attention)

    /// <summary>Creates the context for one forward pass.</summary>
    /// <param name="queryLength">New positions in this pass.</param>
    /// <param name="keyLength">All positions attended over (cached + new).</param>
    /// <param name="paddingMask">[batch, keyLength] with 1 for real tokens and 0 for padding, or null.</param>
    /// <param name="rotaryCos">Rotary cos table for the new positions, or null for models without rotary embeddings.</param>
    /// <param name="rotarySin">Rotary sin table, or null.</param>
    /// <param name="cache">Key/value cache to read and extend, or null.</param>
    /// <param name="device">Device of the activations.</param>
    public AttentionContext(long queryLength, long keyLength, Tensor? paddingMask, Tensor? rotaryCos, Tensor? rotarySin,
        KeyValueCache? cache, Device device)
    {
        QueryLength = queryLength;
        KeyLength = keyLength;
        _device = device;
        _paddingMask = paddingMask?.to(ScalarType.Bool);
        RotaryCos = rotaryCos;
        RotarySin = rotarySin;
        Cache = cache;
    }

    /// <summary>Positions computed in this pass.</summary>
    public long QueryLength { get; }

    /// <summary>Positions attended over: cached plus new.</summary>
    public long KeyLength { get; }

    /// <summary>Rotary cos table [batch or 1, QueryLength, 1, rotary_dim], or null.</summary>
    public Tensor? RotaryCos { get; }

    /// <summary>Rotary sin table, or null.</summary>
    public Tensor? RotarySin { get; }

    /// <summary>The key/value cache this pass reads and extends, or null.</summary>
    public KeyValueCache? Cache { get; }

    /// <summary>True when a plain causal kernel (is_causal, queries and keys aligned) gives the right answer.</summary>
    public bool IsPurelyCausal(int? window) => _paddingMask is null && QueryLength == KeyLength && (window is null || window >= KeyLength);

    /// <summary>True when every query may see every key (one new token, no padding, window not reached): no mask needed.</summary>
    public bool SeesEverything(int? window) => _paddingMask is null && QueryLength == 1 && (window is null || window >= KeyLength);

    /// <summary>The allowed-attention mask [batch or 1, 1, QueryLength, KeyLength] for a layer with this window (null = none).</summary>
    public Tensor Mask(int? window)
    {
        int key = window is { } w && w < KeyLength ? w : 0;
        if (_masks.TryGetValue(key, out Tensor? cached)) return cached;

        using var scope = NewDisposeScope();
        long offset = KeyLength - QueryLength;
        Tensor query = arange(offset, KeyLength, device: _device).unsqueeze(1);   // absolute query positions
        Tensor keyIndex = arange(KeyLength, device: _device).unsqueeze(0);
        Tensor allowed = keyIndex <= query;
        if (key > 0) allowed = allowed & (query - keyIndex < key);
        allowed = allowed.unsqueeze(0).unsqueeze(0);                                         // [1, 1, Tq, Tk]
        if (_paddingMask is not null)
        {
            Tensor realKey = _paddingMask.unsqueeze(1).unsqueeze(1);                         // [B, 1, 1, Tk]
            Tensor padQuery = _paddingMask.narrow(1, offset, QueryLength).logical_not().unsqueeze(1).unsqueeze(-1); // [B, 1, Tq, 1]
            Tensor diagonal = (query == keyIndex).unsqueeze(0).unsqueeze(0);
            allowed = (allowed & realKey) | (padQuery & diagonal);
        }
        Tensor mask = allowed.DetachFromDisposeScope();
        _masks[key] = mask;
        return mask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor mask in _masks.Values) mask.Dispose();
        _masks.Clear();
        _paddingMask?.Dispose();
    }
}
