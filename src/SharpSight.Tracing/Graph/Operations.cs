using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Graph;

/// <summary>
/// One whitelisted operation: how many arguments it takes, the shape and kind of its result (checked before anything
/// runs), and how it runs.
/// </summary>
public sealed record OpDefinition(
    string Name,
    int MinArgs,
    int MaxArgs,
    Func<ValueInfo[], OpAttributes, string, ValueInfo> Infer,
    Func<Tensor[], OpAttributes, Tensor> Execute);

/// <summary>
/// The fixed whitelist of operations an intervention graph may use. Nothing outside it can run: this is what makes a
/// graph safe to execute on a shared server.
/// </summary>
public static class Operations
{
    private static readonly Dictionary<string, OpDefinition> Registry = Build().ToDictionary(op => op.Name, StringComparer.Ordinal);

    /// <summary>Names of every operation, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Registry.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The operation with this name, or a <see cref="GraphException"/> listing the whitelist.</summary>
    public static OpDefinition Get(string name, string where) =>
        Registry.TryGetValue(name, out OpDefinition? op) ? op
        : throw new GraphException($"{where}: operation '{name}' is not in the whitelist ({string.Join(", ", Names)})");

    private static IEnumerable<OpDefinition> Build()
    {
        foreach ((string name, Func<Tensor, Tensor, Tensor> f) in new (string, Func<Tensor, Tensor, Tensor>)[]
        {
            ("add", (a, b) => a + b), ("sub", (a, b) => a - b), ("mul", (a, b) => a * b), ("div", (a, b) => a / b),
            ("pow", (a, b) => a.pow(b)), ("maximum", maximum), ("minimum", minimum),
        })
            yield return new(name, 2, 2, (args, _, where) => new(BroadcastShape(args, where), Numeric(args)), (t, _) => f(t[0], t[1]));

        foreach ((string name, Func<Tensor, Tensor, Tensor> f) in new (string, Func<Tensor, Tensor, Tensor>)[]
        {
            ("eq", (a, b) => a.eq(b)), ("ne", (a, b) => a.ne(b)), ("lt", (a, b) => a.lt(b)), ("le", (a, b) => a.le(b)),
            ("gt", (a, b) => a.gt(b)), ("ge", (a, b) => a.ge(b)),
            ("logical_and", (a, b) => a.logical_and(b)), ("logical_or", (a, b) => a.logical_or(b)),
        })
            yield return new(name, 2, 2, (args, _, where) => new(BroadcastShape(args, where), ValueKind.Bool), (t, _) => f(t[0], t[1]));

        foreach ((string name, Func<Tensor, Tensor> f) in new (string, Func<Tensor, Tensor>)[]
        {
            ("neg", a => -a), ("abs", a => a.abs()), ("exp", a => a.exp()), ("log", a => a.log()), ("sqrt", a => a.sqrt()),
            ("relu", a => a.relu()), ("sigmoid", a => a.sigmoid()), ("tanh", a => a.tanh()),
            ("zeros_like", a => zeros_like(a)), ("ones_like", a => ones_like(a)),
        })
            yield return new(name, 1, 1, (args, _, _) => args[0], (t, _) => f(t[0]));

        yield return new("where", 3, 3, (args, _, where) =>
        {
            if (args[0].Known && args[0].Kind != ValueKind.Bool) throw new GraphException($"{where}: where needs a boolean condition (a comparison)");
            return new(BroadcastShape(args, where), Numeric(args[1..]));
        }, (t, _) => torch.where(t[0].to(ScalarType.Bool), t[1], t[2]));

        foreach ((string name, Func<Tensor, long[], bool, Tensor> f) in new (string, Func<Tensor, long[], bool, Tensor>)[]
        {
            ("sum", (a, d, k) => a.sum(d, k)), ("mean", (a, d, k) => a.mean(d, k)),
            ("max", (a, d, k) => a.amax(d, k)), ("min", (a, d, k) => a.amin(d, k)),
        })
            yield return new(name, 1, 1, (args, at, where) => new(Reduced(args[0], at, where), args[0].Kind),
                (t, at) => f(t[0], ReduceDims(t[0], at), at.KeepDim));

        yield return new("norm", 1, 1, (args, at, where) => new(Reduced(args[0], at, where), ValueKind.Float), (t, at) =>
        {
            double p = at.P ?? 2.0;
            long[] dims = ReduceDims(t[0], at);
            return t[0].abs().pow(p).sum(dims, at.KeepDim).pow(1.0 / p);
        });

        yield return new("argmax", 1, 1, (args, at, where) => new(Reduced(args[0], at with { Dims = [OneDim(at, where)] }, where), ValueKind.Int),
            (t, at) => t[0].argmax(at.Dims![0], at.KeepDim));

        yield return new("softmax", 1, 1, (args, at, where) => Along(args[0], at, where),
            (t, at) => t[0].softmax(at.Dims![0], ScalarType.Float32));
        yield return new("log_softmax", 1, 1, (args, at, where) => Along(args[0], at, where),
            (t, at) => t[0].log_softmax(at.Dims![0], ScalarType.Float32));

        yield return new("topk_values", 1, 1, (args, at, where) => TopK(args[0], at, where, ValueKind.Float),
            (t, at) => t[0].topk((int)at.K!.Value, (int)at.Dims![0]).Item1);
        yield return new("topk_indices", 1, 1, (args, at, where) => TopK(args[0], at, where, ValueKind.Int),
            (t, at) => t[0].topk((int)at.K!.Value, (int)at.Dims![0]).Item2);

        yield return new("matmul", 2, 2, (args, _, where) => new(MatmulShape(args, where), Numeric(args)), (t, _) => matmul(t[0], t[1]));

        yield return new("index", 1, 1, (args, at, where) =>
        {
            if (at.Index is null) throw new GraphException($"{where}: index needs an 'index' attribute");
            return new(args[0].Known ? at.Index.ResultShape(args[0].Shape!, where) : null, args[0].Kind);
        }, (t, at) => Indexing.Select(t[0], at.Index!, "index"));

        yield return new("cat", 1, 64, (args, at, where) => new(CatShape(args, at, where), Numeric(args)), (t, at) => cat(t, at.Dims?[0] ?? 0));

        yield return new("reshape", 1, 1, (args, at, where) => new(ReshapeShape(args[0], at, where), args[0].Kind),
            (t, at) => t[0].reshape([.. at.Shape!]));
        yield return new("transpose", 1, 1, (args, at, where) =>
        {
            if (at.Dims is not { Count: 2 }) throw new GraphException($"{where}: transpose needs two dims");
            if (!args[0].Known) return args[0];
            long[] shape = [.. args[0].Shape!];
            int a = Shapes.Dim(at.Dims[0], shape.Length, where), b = Shapes.Dim(at.Dims[1], shape.Length, where);
            (shape[a], shape[b]) = (shape[b], shape[a]);
            return new(shape, args[0].Kind);
        }, (t, at) => t[0].transpose(at.Dims![0], at.Dims[1]));
        yield return new("unsqueeze", 1, 1, (args, at, where) =>
        {
            if (!args[0].Known) return args[0];
            var shape = args[0].Shape!.ToList();
            shape.Insert(Shapes.Dim(OneDim(at, where), shape.Count + 1, where), 1);
            return new([.. shape], args[0].Kind);
        }, (t, at) => t[0].unsqueeze(at.Dims![0]));
        yield return new("squeeze", 1, 1, (args, at, where) =>
        {
            if (!args[0].Known) return args[0];
            var shape = args[0].Shape!.ToList();
            int dim = Shapes.Dim(OneDim(at, where), shape.Count, where);
            if (shape[dim] != 1) throw new GraphException($"{where}: cannot squeeze dimension {dim} of size {shape[dim]} in {Shapes.Show(shape)}");
            shape.RemoveAt(dim);
            return new([.. shape], args[0].Kind);
        }, (t, at) => t[0].squeeze(at.Dims![0]));
        yield return new("cast", 1, 1, (args, at, where) => new(args[0].Shape, at.DType switch
        {
            "float32" => ValueKind.Float,
            "int64" => ValueKind.Int,
            "bool" => ValueKind.Bool,
            _ => throw new GraphException($"{where}: cast dtype '{at.DType}' is not one of float32, int64, bool"),
        }), (t, at) => t[0].to(at.DType switch { "int64" => ScalarType.Int64, "bool" => ScalarType.Bool, _ => ScalarType.Float32 }));
    }

    private static ValueKind Numeric(ValueInfo[] args) =>
        args.All(a => a.Kind == ValueKind.Int) ? ValueKind.Int : ValueKind.Float;

    private static long[]? BroadcastShape(ValueInfo[] args, string where)
    {
        if (args.Any(a => !a.Known)) return null;
        long[] shape = args[0].Shape!;
        foreach (ValueInfo arg in args.Skip(1))
            shape = Shapes.Broadcast(shape, arg.Shape!)
                ?? throw new GraphException($"{where}: shapes {string.Join(" and ", args.Select(a => Shapes.Show(a.Shape!)))} do not broadcast");
        return shape;
    }

    private static long OneDim(OpAttributes at, string where) =>
        at.Dims is { Count: 1 } dims ? dims[0] : throw new GraphException($"{where}: needs exactly one dim");

    private static long[] ReduceDims(Tensor t, OpAttributes at) => at.Dims is { Count: > 0 } dims ? [.. dims] : [.. Enumerable.Range(0, (int)t.dim()).Select(d => (long)d)];

    private static long[]? Reduced(ValueInfo arg, OpAttributes at, string where)
    {
        if (!arg.Known) return null;
        long[] shape = arg.Shape!;
        var dims = (at.Dims is { Count: > 0 } d ? d : Enumerable.Range(0, shape.Length).Select(i => (long)i)).Select(x => Shapes.Dim(x, shape.Length, where)).ToHashSet();
        return shape.Select((size, i) => dims.Contains(i) ? (at.KeepDim ? 1L : -1L) : size).Where(size => size >= 0).ToArray();
    }

    private static ValueInfo Along(ValueInfo arg, OpAttributes at, string where)
    {
        long dim = OneDim(at, where);
        if (arg.Known) Shapes.Dim(dim, arg.Shape!.Length, where);
        return arg with { Kind = ValueKind.Float };
    }

    private static ValueInfo TopK(ValueInfo arg, OpAttributes at, string where, ValueKind kind)
    {
        long k = at.K ?? throw new GraphException($"{where}: top-k needs k");
        if (!arg.Known) return new(null, kind);
        long[] shape = [.. arg.Shape!];
        int dim = Shapes.Dim(OneDim(at, where), shape.Length, where);
        if (k < 1 || k > shape[dim]) throw new GraphException($"{where}: k = {k} is outside 1..{shape[dim]} (dimension {dim} of {Shapes.Show(arg.Shape!)})");
        shape[dim] = k;
        return new(shape, kind);
    }

    private static long[]? MatmulShape(ValueInfo[] args, string where)
    {
        if (args.Any(a => !a.Known)) return null;
        long[] a = args[0].Shape!, b = args[1].Shape!;
        if (a.Length == 0 || b.Length == 0) throw new GraphException($"{where}: matmul needs at least 1-d operands, got {Shapes.Show(a)} and {Shapes.Show(b)}");
        long[] a2 = a.Length == 1 ? [1, a[0]] : a, b2 = b.Length == 1 ? [b[0], 1] : b;
        if (a2[^1] != b2[^2]) throw new GraphException($"{where}: matmul of {Shapes.Show(a)} and {Shapes.Show(b)}: inner sizes {a2[^1]} and {b2[^2]} differ");
        long[] batch = Shapes.Broadcast(a2[..^2], b2[..^2]) ?? throw new GraphException($"{where}: matmul batch shapes of {Shapes.Show(a)} and {Shapes.Show(b)} do not broadcast");
        var result = batch.ToList();
        if (a.Length > 1) result.Add(a2[^2]);
        if (b.Length > 1) result.Add(b2[^1]);
        return [.. result];
    }

    private static long[]? CatShape(ValueInfo[] args, OpAttributes at, string where)
    {
        if (args.Any(a => !a.Known)) return null;
        long[] first = args[0].Shape!;
        int dim = Shapes.Dim(at.Dims?[0] ?? 0, first.Length, where);
        long total = 0;
        foreach (ValueInfo arg in args)
        {
            long[] s = arg.Shape!;
            if (s.Length != first.Length || s.Where((size, i) => i != dim && size != first[i]).Any())
                throw new GraphException($"{where}: cannot concatenate {string.Join(", ", args.Select(a => Shapes.Show(a.Shape!)))} along dimension {dim}");
            total += s[dim];
        }
        long[] result = [.. first];
        result[dim] = total;
        return result;
    }

    private static long[]? ReshapeShape(ValueInfo arg, OpAttributes at, string where)
    {
        if (at.Shape is null) throw new GraphException($"{where}: reshape needs a shape");
        if (!arg.Known) return at.Shape.Contains(-1) ? null : [.. at.Shape];
        long count = arg.Shape!.Aggregate(1L, (p, s) => p * s), known = at.Shape.Where(s => s != -1).Aggregate(1L, (p, s) => p * s);
        int unknown = at.Shape.Count(s => s == -1);
        if (unknown > 1 || (unknown == 0 && known != count) || (unknown == 1 && (known == 0 || count % known != 0)))
            throw new GraphException($"{where}: cannot reshape {Shapes.Show(arg.Shape!)} ({count} elements) to {Shapes.Show(at.Shape)}");
        return at.Shape.Select(s => s == -1 ? count / known : s).ToArray();
    }
}
