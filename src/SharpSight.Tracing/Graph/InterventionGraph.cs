namespace SharpSight.Tracing.Graph;

/// <summary>
/// A declarative description of what to read, compute, write, save and differentiate during a forward pass over one
/// or more inputs. Built by <c>Api.Trace</c> or read from JSON; checked against a model by
/// <see cref="GraphValidator"/> before anything runs. Nodes refer only to earlier nodes, so a graph is acyclic by
/// construction.
/// </summary>
public sealed class InterventionGraph
{
    /// <summary>Creates a graph; node ids must be 0, 1, 2, … and refer only to earlier nodes.</summary>
    /// <param name="inputs">How many inputs the trace has (each one or more sequences, batched together).</param>
    /// <param name="nodes">The nodes in order.</param>
    /// <param name="stopAfter">A hook point after which the forward pass stops, or null to run it to the end.</param>
    public InterventionGraph(int inputs, IEnumerable<GraphNode> nodes, string? stopAfter = null)
    {
        if (inputs < 1) throw new GraphException($"a graph needs at least one input, got {inputs}");
        Inputs = inputs;
        Nodes = [.. nodes];
        StopAfter = stopAfter;
        for (int i = 0; i < Nodes.Count; i++)
        {
            GraphNode node = Nodes[i];
            if (node.Id != i) throw new GraphException($"node at position {i} has id {node.Id}; ids must be 0, 1, 2, …");
            foreach (int reference in References(node))
                if (reference < 0 || reference >= i)
                    throw new GraphException($"node {i} refers to node {reference}, which is not an earlier node");
        }
    }

    /// <summary>Current version of the JSON format.</summary>
    public const int FormatVersion = 1;

    /// <summary>Number of inputs.</summary>
    public int Inputs { get; }

    /// <summary>Nodes in order.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>Hook point after which the forward pass stops, or null.</summary>
    public string? StopAfter { get; }

    /// <summary>True if any node is a local C# callback (such a graph cannot be serialized).</summary>
    public bool HasCallbacks => Nodes.Any(n => n is CallbackNode);

    /// <summary>The ids of the nodes a node uses.</summary>
    public static IEnumerable<int> References(GraphNode node) => node switch
    {
        OpNode op => op.Args.Where(a => a.Node is not null).Select(a => a.Node!.Value),
        WriteNode write => write.Value.Node is { } id ? [id] : [],
        SaveNode save => [save.Value],
        GradNode grad => [grad.Metric],
        CallbackNode callback => callback.Args,
        _ => [],
    };

    /// <summary>Versioned JSON (see <see cref="GraphJson"/>); refuses graphs with callbacks.</summary>
    public string ToJson() => GraphJson.Write(this);

    /// <summary>Reads a graph from JSON; <paramref name="source"/> names it in errors.</summary>
    public static InterventionGraph FromJson(string json, string source = "graph") => GraphJson.Read(json, source);
}
