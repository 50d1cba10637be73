using System.Globalization;
using System.Numerics;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Flattens the unpickled object of a checkpoint into dotted names: dict keys and list or tuple indices
/// joined with '.', as in a state dict ("encoder.weight", "layers.0.bias"). Tensors and other leaves are
/// collected separately; empty containers leave no entry. Shared sub-objects are visited once per reference,
/// within a budget, and cycles are refused.
/// </summary>
internal sealed class TorchCheckpointTree
{
    private const int MaxDepth = 100;

    private readonly string _path;
    private readonly long _maxNodes;
    private readonly HashSet<object> _onPath = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private long _nodes;

    private TorchCheckpointTree(string path, long maxNodes)
    {
        _path = path;
        _maxNodes = maxNodes;
    }

    /// <summary>The tensors in file order.</summary>
    public List<(string Name, TorchTensorView View)> Tensors { get; } = [];

    /// <summary>The non-tensor leaves in file order (see <see cref="TorchCheckpointContents.Values"/>).</summary>
    public OrderedDictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Flattens <paramref name="root"/>.</summary>
    /// <param name="path">The checkpoint file, for errors.</param>
    /// <param name="root">The unpickled object.</param>
    /// <param name="maxNodes">How many objects the walk may visit, counting shared ones once per reference.</param>
    /// <exception cref="TensorFileException">A cycle, too deep nesting, too many objects, a name produced twice, or a leaf that is neither a tensor nor a plain value.</exception>
    public static TorchCheckpointTree Flatten(string path, object? root, long maxNodes)
    {
        var tree = new TorchCheckpointTree(path, maxNodes);
        tree.Visit(root, "", 0);
        return tree;
    }

    private void Visit(object? node, string name, int depth)
    {
        if (++_nodes > _maxNodes)
            throw Fail($"the object graph expands to more than {_maxNodes} entries through shared references");
        switch (node)
        {
            case PickleDict or List<object?> or PickleTuple:
                if (depth >= MaxDepth) throw Fail($"{Describe(name)} is nested more than {MaxDepth} levels deep");
                if (!_onPath.Add(node)) throw Fail($"{Describe(name)} refers back to a container that holds it (a reference cycle)");
                foreach ((string key, object? child) in Children(node))
                    Visit(child, name.Length == 0 && depth == 0 ? key : name + "." + key, depth + 1);
                _onPath.Remove(node);
                break;
            case TorchTensorView view:
                Claim(name);
                Tensors.Add((name, view));
                break;
            case null or bool or long or BigInteger or double or string or byte[]:
                Claim(name);
                Values.Add(name, node);
                break;
            case TorchDType dtype:
                Claim(name);
                Values.Add(name, dtype.Type);
                break;
            default:
                throw Fail($"{Describe(name)} is {PickleDescribe.Of(node)}, which is neither a tensor nor a plain value");
        }
    }

    private static IEnumerable<(string Key, object? Child)> Children(object node) => node switch
    {
        PickleDict dict => dict.Items.Select(item => (KeyText(item.Key), item.Value)),
        List<object?> list => list.Select((item, i) => (i.ToString(CultureInfo.InvariantCulture), item)),
        PickleTuple tuple => tuple.Items.Select((item, i) => (i.ToString(CultureInfo.InvariantCulture), item)),
        _ => [],
    };

    private static string KeyText(object key) => key switch
    {
        string text => text,
        bool flag => flag ? "True" : "False",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "",
    };

    private void Claim(string name)
    {
        if (!_names.Add(name))
            throw Fail($"name {Quote.Name(name)} occurs twice (nested keys flatten to the same dotted name)");
    }

    private static string Describe(string name) => name.Length == 0 ? "the top-level object" : $"entry {Quote.Name(name)}";

    private TensorFileException Fail(string problem) => new(_path, problem);
}
