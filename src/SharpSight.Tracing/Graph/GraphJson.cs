using System.Text;
using System.Text.Json;

namespace SharpSight.Tracing.Graph;

/// <summary>
/// The versioned JSON form of an intervention graph. Writing then reading gives an identical graph (and writing that
/// again gives the same text). Graphs holding C# callbacks are refused: their code cannot travel.
/// </summary>
/// <remarks>
/// <code>
/// {"format": "sharpsight.intervention_graph", "version": 1, "inputs": 2, "stop_after": null, "nodes": [
///   {"id": 0, "type": "read", "hook": "blocks.3.hook_resid_post", "input": 0},
///   {"id": 1, "type": "write", "hook": "blocks.3.hook_resid_post", "input": 1, "value": {"node": 0}, "index": [":", {"at": -1}], "mode": "set"},
///   {"id": 2, "type": "read", "hook": "hook_logits", "input": 1},
///   {"id": 3, "type": "op", "op": "index", "args": [{"node": 2}], "attributes": {"index": [{"at": 0}, {"at": -1}, {"list": [5, 7]}]}},
///   {"id": 4, "type": "save", "name": "logits", "value": 3}]}
/// </code>
/// Index entries: ":" (all), {"at": i}, {"range": [start or null, stop or null, step]}, {"list": [i, ...]}.
/// </remarks>
public static class GraphJson
{
    /// <summary>The "format" field.</summary>
    public const string Format = "sharpsight.intervention_graph";

    /// <summary>Writes a graph.</summary>
    /// <exception cref="GraphException">The graph holds a C# callback.</exception>
    public static string Write(InterventionGraph graph)
    {
        if (graph.Nodes.OfType<CallbackNode>().FirstOrDefault() is { } callback)
            throw new GraphException($"{GraphValidator.Describe(callback)} is local C# code; a graph with callbacks runs only locally and cannot be serialized");
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", InterventionGraph.FormatVersion);
            w.WriteNumber("inputs", graph.Inputs);
            if (graph.StopAfter is null) w.WriteNull("stop_after"); else w.WriteString("stop_after", graph.StopAfter);
            w.WriteStartArray("nodes");
            foreach (GraphNode node in graph.Nodes) WriteNode(w, node);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter w, GraphNode node)
    {
        w.WriteStartObject();
        w.WriteNumber("id", node.Id);
        switch (node)
        {
            case ReadNode read:
                w.WriteString("type", "read");
                w.WriteString("hook", read.Hook);
                w.WriteNumber("input", read.Input);
                break;
            case ConstantNode constant:
                w.WriteString("type", "constant");
                WriteLongs(w, "shape", constant.Shape);
                w.WriteStartArray("values");
                foreach (float value in constant.Values) w.WriteNumberValue(value);
                w.WriteEndArray();
                break;
            case OpNode op:
                w.WriteString("type", "op");
                w.WriteString("op", op.Op);
                w.WriteStartArray("args");
                foreach (Operand arg in op.Args) WriteOperand(w, arg);
                w.WriteEndArray();
                WriteAttributes(w, op.Attributes);
                break;
            case WriteNode write:
                w.WriteString("type", "write");
                w.WriteString("hook", write.Hook);
                w.WriteNumber("input", write.Input);
                w.WritePropertyName("value");
                WriteOperand(w, write.Value);
                if (write.Index is null) w.WriteNull("index"); else WriteIndex(w, "index", write.Index);
                w.WriteString("mode", write.Mode == WriteMode.Add ? "add" : "set");
                break;
            case SaveNode save:
                w.WriteString("type", "save");
                w.WriteString("name", save.Name);
                w.WriteNumber("value", save.Value);
                break;
            case GradNode grad:
                w.WriteString("type", "grad");
                w.WriteNumber("metric", grad.Metric);
                w.WriteString("hook", grad.Hook);
                w.WriteNumber("input", grad.Input);
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteOperand(Utf8JsonWriter w, Operand operand)
    {
        w.WriteStartObject();
        if (operand.Node is { } id) w.WriteNumber("node", id); else w.WriteNumber("scalar", operand.Scalar!.Value);
        w.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter w, OpAttributes a)
    {
        w.WriteStartObject("attributes");
        if (a.Dims is not null) WriteLongs(w, "dims", a.Dims);
        if (a.KeepDim) w.WriteBoolean("keepdim", true);
        if (a.K is { } k) w.WriteNumber("k", k);
        if (a.P is { } p) w.WriteNumber("p", p);
        if (a.Index is not null) WriteIndex(w, "index", a.Index);
        if (a.Shape is not null) WriteLongs(w, "shape", a.Shape);
        if (a.DType is not null) w.WriteString("dtype", a.DType);
        w.WriteEndObject();
    }

    private static void WriteIndex(Utf8JsonWriter w, string name, IndexSpec index)
    {
        w.WriteStartArray(name);
        foreach (DimIndex dim in index.Dims)
        {
            switch (dim)
            {
                case DimIndex.All:
                    w.WriteStringValue(":");
                    break;
                case DimIndex.At at:
                    w.WriteStartObject();
                    w.WriteNumber("at", at.Index);
                    w.WriteEndObject();
                    break;
                case DimIndex.Range range:
                    w.WriteStartObject();
                    w.WriteStartArray("range");
                    if (range.Start is { } start) w.WriteNumberValue(start); else w.WriteNullValue();
                    if (range.Stop is { } stop) w.WriteNumberValue(stop); else w.WriteNullValue();
                    w.WriteNumberValue(range.Step);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                case DimIndex.List list:
                    w.WriteStartObject();
                    WriteLongs(w, "list", list.Indices);
                    w.WriteEndObject();
                    break;
            }
        }
        w.WriteEndArray();
    }

    private static void WriteLongs(Utf8JsonWriter w, string name, IEnumerable<long> values)
    {
        w.WriteStartArray(name);
        foreach (long value in values) w.WriteNumberValue(value);
        w.WriteEndArray();
    }

    /// <summary>Reads a graph; every problem is a one-line <see cref="GraphException"/> naming the source, node and field.</summary>
    public static InterventionGraph Read(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new GraphException($"{source}: not valid JSON ({error.Message.Split('\n')[0]})", error);
        }
        using (document)
        {
            var root = new Reader(document.RootElement, source);
            if (root.String("format") != Format) throw new GraphException($"{source}: field 'format' must be \"{Format}\"");
            int version = root.Int("version");
            if (version < 1 || version > InterventionGraph.FormatVersion)
                throw new GraphException($"{source}: version {version} is not supported (this SharpSight reads version {InterventionGraph.FormatVersion})");
            var nodes = new List<GraphNode>();
            int position = 0;
            foreach (JsonElement element in root.Array("nodes"))
                nodes.Add(ReadNode(new Reader(element, $"{source}: node {position++}")));
            return new InterventionGraph(root.Int("inputs"), nodes, root.OptionalString("stop_after"));
        }
    }

    private static GraphNode ReadNode(Reader r)
    {
        int id = r.Int("id");
        return r.String("type") switch
        {
            "read" => new ReadNode(id, r.String("hook"), r.Int("input")),
            "constant" => new ConstantNode(id, r.Longs("shape"), r.Array("values").Select(v => r.Float(v, "values")).ToArray()),
            "op" => new OpNode(id, r.String("op"), r.Array("args").Select(a => ReadOperand(r.Child(a, "args"))).ToArray(), ReadAttributes(r.Child(r.Element("attributes"), "attributes"))),
            "write" => new WriteNode(id, r.String("hook"), r.Int("input"), ReadOperand(r.Child(r.Element("value"), "value")),
                r.IsNull("index") ? null : ReadIndex(r, r.Element("index"), "index"),
                r.String("mode") switch { "set" => WriteMode.Set, "add" => WriteMode.Add, var m => throw r.Error("mode", $"'{m}' is not set or add") }),
            "save" => new SaveNode(id, r.String("name"), r.Int("value")),
            "grad" => new GradNode(id, r.Int("metric"), r.String("hook"), r.Int("input")),
            "callback" => throw r.Error("type", "callbacks are local C# code and cannot come from JSON"),
            var type => throw r.Error("type", $"'{type}' is not one of read, constant, op, write, save, grad"),
        };
    }

    private static Operand ReadOperand(Reader r) =>
        r.Has("node") ? Operand.Of(r.Int("node")) : r.Has("scalar") ? Operand.Number(r.Double("scalar")) : throw r.Error("node", "an operand needs 'node' or 'scalar'");

    private static OpAttributes ReadAttributes(Reader r) => new()
    {
        Dims = r.Has("dims") ? r.Longs("dims") : null,
        KeepDim = r.Has("keepdim") && r.Bool("keepdim"),
        K = r.Has("k") ? r.Long("k") : null,
        P = r.Has("p") ? r.Double("p") : null,
        Index = r.Has("index") ? ReadIndex(r, r.Element("index"), "index") : null,
        Shape = r.Has("shape") ? r.Longs("shape") : null,
        DType = r.Has("dtype") ? r.String("dtype") : null,
    };

    private static IndexSpec ReadIndex(Reader r, JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Array) throw r.Error(field, "must be an array");
        return new IndexSpec(element.EnumerateArray().Select(entry =>
        {
            if (entry.ValueKind == JsonValueKind.String && entry.GetString() == ":") return (DimIndex)new DimIndex.All();
            var e = r.Child(entry, field);
            if (e.Has("at")) return new DimIndex.At(e.Long("at"));
            if (e.Has("list")) return new DimIndex.List(e.Longs("list"));
            if (e.Has("range"))
            {
                JsonElement[] parts = [.. e.Array("range")];
                if (parts.Length != 3) throw e.Error("range", "must be [start, stop, step]");
                long? Part(JsonElement p) => p.ValueKind == JsonValueKind.Null ? null : p.TryGetInt64(out long v) ? v : throw e.Error("range", "entries must be integers or null");
                return new DimIndex.Range(Part(parts[0]), Part(parts[1]), Part(parts[2]) ?? 1);
            }
            throw r.Error(field, "entries must be \":\", {\"at\": i}, {\"range\": [start, stop, step]} or {\"list\": [...]}");
        }).ToArray());
    }

    /// <summary>Typed field reads whose errors name the source and field.</summary>
    private readonly struct Reader(JsonElement element, string where)
    {
        public Reader Child(JsonElement child, string field) => child.ValueKind == JsonValueKind.Object ? new(child, $"{where}, {field}") : throw Error(field, "must be an object");
        public GraphException Error(string field, string problem) => new($"{where}: field '{field}' {problem}");
        public bool Has(string field) => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out JsonElement v) && v.ValueKind != JsonValueKind.Null;
        public bool IsNull(string field) => !Has(field);

        public JsonElement Element(string field) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out JsonElement v) ? v : throw Error(field, "is missing");

        public string String(string field) => Element(field) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Error(field, "must be a string");
        public string? OptionalString(string field) => Has(field) ? String(field) : null;
        public int Int(string field) => Element(field).TryGetInt32(out int v) ? v : throw Error(field, "must be an integer");
        public long Long(string field) => Element(field).TryGetInt64(out long v) ? v : throw Error(field, "must be an integer");
        public double Double(string field) => Element(field) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw Error(field, "must be a number");
        public bool Bool(string field) => Element(field).ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Error(field, "must be true or false") };
        public float Float(JsonElement value, string field) => value.ValueKind == JsonValueKind.Number ? value.GetSingle() : throw Error(field, "must hold numbers");

        public IEnumerable<JsonElement> Array(string field) =>
            Element(field) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray().ToArray() : throw Error(field, "must be an array");

        public long[] Longs(string field)
        {
            var self = this;
            return Array(field).Select(v => v.TryGetInt64(out long x) ? x : throw self.Error(field, "must hold integers")).ToArray();
        }
    }
}
