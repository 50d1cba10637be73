using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Models.Hooks;

/// <summary>
/// Activations recorded at hook points during one forward pass, by hook point name. Owns its tensors
/// (detached copies, outside any dispose scope); dispose the cache to free them.
/// </summary>
public sealed class ActivationCache : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);
    private readonly bool _toCpu;

    private ActivationCache(bool toCpu) => _toCpu = toCpu;

    /// <summary>
    /// A filter from name patterns where "*" matches any run of characters: "blocks.*.hook_resid_post",
    /// "blocks.3.attn.*". A name is kept if any pattern matches it whole.
    /// </summary>
    public static Func<string, bool> Matching(params string[] patterns)
    {
        System.Text.RegularExpressions.Regex[] regexes = patterns
            .Select(p => new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(p).Replace("\\*", ".*") + "$"))
            .ToArray();
        return name => regexes.Any(r => r.IsMatch(name));
    }

    /// <summary>Bytes held by the cached tensors.</summary>
    public long MemoryBytes => _values.Values.Sum(t => t.numel() * t.ElementSize);

    /// <summary>
    /// Runs <paramref name="model"/> once and records the hook points whose names pass <paramref name="include"/>
    /// (all points when null).
    /// </summary>
    /// <returns>The logits (caller disposes) and the cache.</returns>
    /// <param name="model">The model.</param>
    /// <param name="inputIds">Token ids [batch, pos] or [pos].</param>
    /// <param name="attentionMask">Optional padding mask, as for <see cref="TransformerModel.Forward(Tensor, Tensor?, KeyValueCache?)"/>.</param>
    /// <param name="include">Which hook points to keep (see <see cref="Matching"/>); all when null.</param>
    /// <param name="toCpu">Move cached values to CPU memory (for a model on a GPU).</param>
    public static (Tensor Logits, ActivationCache Cache) Run(
        TransformerModel model, Tensor inputIds, Tensor? attentionMask = null, Func<string, bool>? include = null, bool toCpu = false)
    {
        var cache = new ActivationCache(toCpu);
        var removals = new List<IDisposable>();
        try
        {
            foreach (HookPoint point in model.Hooks.Where(p => include?.Invoke(p.Name) ?? true))
                removals.Add(point.Add(cache.Record));
            Tensor logits = model.Forward(inputIds, attentionMask);
            return (logits, cache);
        }
        catch
        {
            cache.Dispose();
            throw;
        }
        finally
        {
            foreach (IDisposable removal in removals) removal.Dispose();
        }
    }

    private Tensor? Record(Tensor activation, HookPoint hook)
    {
        // Clone: a later hook may edit the tensor in place. Detach from the forward's dispose scope so it survives it.
        Tensor copy = (_toCpu ? activation.detach().cpu() : activation.detach()).clone().DetachFromDisposeScope();
        if (_values.Remove(hook.Name, out Tensor? previous)) previous.Dispose();
        _values[hook.Name] = copy;
        return null;
    }

    /// <summary>The recorded activation at a hook point.</summary>
    public Tensor this[string key] =>
        _values.TryGetValue(key, out Tensor? value) ? value
        : throw new KeyNotFoundException($"hook point '{key}' was not recorded ({_values.Count} recorded)");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<Tensor> Values => _values.Values;

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out Tensor value) => _values.TryGetValue(key, out value!);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _values.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor value in _values.Values) value.Dispose();
        _values.Clear();
    }
}
