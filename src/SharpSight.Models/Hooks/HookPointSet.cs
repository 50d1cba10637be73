namespace SharpSight.Models.Hooks;

/// <summary>
/// Every hook point of one model, in forward order, looked up by name.
/// </summary>
public sealed class HookPointSet : IReadOnlyList<HookPoint>
{
    private readonly List<HookPoint> _ordered = [];
    private readonly Dictionary<string, HookPoint> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates and registers a hook point; names must be unique.</summary>
    public HookPoint Create(string name, HookShape shape)
    {
        var point = new HookPoint(name, shape);
        if (!_byName.TryAdd(name, point)) throw new InvalidOperationException($"hook point '{name}' defined twice");
        _ordered.Add(point);
        return point;
    }

    /// <summary>
    /// Creates points right after <paramref name="anchor"/> in forward order, for values computed inside the anchor's own hook
    /// (a dictionary attached at a hook point adds its features this way). Remove them with <see cref="Remove"/>.
    /// </summary>
    public IReadOnlyList<HookPoint> InsertAfter(string anchor, IEnumerable<(string Name, HookShape Shape)> points)
    {
        int at = _ordered.IndexOf(this[anchor]) + 1;
        var created = new List<HookPoint>();
        foreach ((string name, HookShape shape) in points)
        {
            var point = new HookPoint(name, shape);
            if (!_byName.TryAdd(name, point))
            {
                foreach (HookPoint done in created) Remove(done);
                throw new InvalidOperationException($"hook point '{name}' defined twice");
            }
            _ordered.Insert(at + created.Count, point);
            created.Add(point);
        }
        return created;
    }

    /// <summary>Removes a point added by <see cref="InsertAfter"/> (with its hooks).</summary>
    public void Remove(HookPoint point)
    {
        if (_byName.TryGetValue(point.Name, out HookPoint? registered) && ReferenceEquals(registered, point))
        {
            _byName.Remove(point.Name);
            _ordered.Remove(point);
            point.Clear();
        }
    }

    /// <summary>The hook point with this name.</summary>
    /// <exception cref="KeyNotFoundException">No such point; the message suggests close names.</exception>
    public HookPoint this[string name] =>
        _byName.TryGetValue(name, out HookPoint? point) ? point : throw new KeyNotFoundException(UnknownMessage(name));

    /// <summary>The hook point at this position in forward order.</summary>
    public HookPoint this[int index] => _ordered[index];

    /// <summary>Number of hook points.</summary>
    public int Count => _ordered.Count;

    /// <summary>True if a point with this name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks a point up without throwing.</summary>
    public bool TryGet(string name, out HookPoint point) => _byName.TryGetValue(name, out point!);

    /// <summary>Removes all hooks from all points.</summary>
    public void ClearAll()
    {
        foreach (HookPoint point in _ordered) point.Clear();
    }

    /// <inheritdoc />
    public IEnumerator<HookPoint> GetEnumerator() => _ordered.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private string UnknownMessage(string name)
    {
        string[] closest = _ordered.Select(p => p.Name).OrderBy(candidate => EditDistance(name, candidate)).Take(3).ToArray();
        return $"no hook point named '{name}' ({_ordered.Count} points; closest: {string.Join(", ", closest)})";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
