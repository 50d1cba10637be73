using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// What every attention layer of one forward pass shares: rotary tables and the masks that say which
/// keys each query may see (causal, padding and, per layer, a sliding window).
/// </summary>
/// <remarks>
/// A mask entry is true where the query may attend the key. A padded query position sees no real key;
/// it is allowed to attend to itself only, so its softmax stays finite (its outputs are meaningless and
/// are never read by real positions).
/// </remarks>
public sealed class AttentionContext : IDisposable
{
    private readonly Tensor? _paddingMask;   // [B, T] bool, true = real token; null = no padding
    private readonly long _length;
    private readonly Device _device;
    private readonly Dictionary<int, Tensor> _masks = [];   // by window (0 = full attention)

    /// <summary>Creates the context for one forward pass.</summary>
    /// <param name="length">Sequence length T.</param>
    /// <param name="paddingMask">[batch, T] with 1 for real tokens and 0 for padding, or null.</param>
    /// <param name="rotaryCos">Rotary cos table, or null for models without rotary embeddings.</param>
    /// <param name="rotarySin">Rotary sin table, or null.</param>
    /// <param name="device">Device of the activations.</param>
    public AttentionContext(long length, Tensor? paddingMask, Tensor? rotaryCos, Tensor? rotarySin, Device device)
    {
        _length = length;
        _device = device;
        _paddingMask = paddingMask?.to(ScalarType.Bool);
        RotaryCos = rotaryCos;
        RotarySin = rotarySin;
    }

    /// <summary>Rotary cos table [batch or 1, T, 1, rotary_dim], or null.</summary>
    public Tensor? RotaryCos { get; }

    /// <summary>Rotary sin table, or null.</summary>
    public Tensor? RotarySin { get; }

    /// <summary>True when the only constraint is causality (no padding, no window): kernels may use is_causal.</summary>
    public bool IsPurelyCausal(int? window) => _paddingMask is null && (window is null || window >= _length);

    /// <summary>The allowed-attention mask [batch or 1, 1, T, T] for a layer with this window (null = none).</summary>
    public Tensor Mask(int? window)
    {
        int key = window is { } w && w < _length ? w : 0;
        if (_masks.TryGetValue(key, out Tensor? cached)) return cached;

        using var scope = NewDisposeScope();
        Tensor query = arange(_length, device: _device).unsqueeze(1);
        Tensor keyIndex = arange(_length, device: _device).unsqueeze(0);
        Tensor allowed = keyIndex <= query;
        if (key > 0) allowed = allowed & (query - keyIndex < key);
        allowed = allowed.unsqueeze(0).unsqueeze(0);                           // [1, 1, T, T]
        if (_paddingMask is not null)
        {
            Tensor realKey = _paddingMask.unsqueeze(1).unsqueeze(1);           // [B, 1, 1, T]
            Tensor padQuery = _paddingMask.logical_not().unsqueeze(1).unsqueeze(-1); // [B, 1, T, 1]
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
