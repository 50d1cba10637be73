using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Dictionaries.Formats;

namespace SharpSight.Dictionaries.Training;

/// <summary>One dictionary as a sweep file or the command line describes it (sizes still without d_in).</summary>
/// <param name="Name">Folder name.</param>
/// <param name="Options">Method and settings.</param>
/// <param name="Width">d_sae.</param>
/// <param name="K">k of TopK-family methods.</param>
/// <param name="Groups">Matryoshka group sizes (null: for Matryoshka, widths halving from the full width).</param>
public sealed record DictionarySpec(string Name, DictionaryTrainingOptions Options, int Width, int K, IReadOnlyList<int>? Groups)
{
    /// <summary>The sweep entry for activations of size <paramref name="inputSize"/>.</summary>
    public SweepEntry ToEntry(int inputSize, DictionaryMetadata metadata) => new(Name, new DictionaryConfig
    {
        Architecture = Options.Architecture,
        InputSize = inputSize,
        Width = Width,
        K = K,
        MatryoshkaGroups = Options.Method == TrainingMethod.Matryoshka ? Groups ?? DefaultGroups(Width) : null,
        Metadata = metadata,
    }, Options);

    /// <summary>Nested widths w/16, w/8, w/4, w/2, w (at least 1): group sizes w/16, w/16, w/8, w/4, w/2.</summary>
    public static IReadOnlyList<int> DefaultGroups(int width)
    {
        var ends = new List<int>();
        for (int end = width; end >= Math.Max(1, width / 16) && ends.Count < 5; end /= 2) ends.Insert(0, end);
        return [.. ends.Select((end, i) => end - (i == 0 ? 0 : ends[i - 1]))];
    }
}

/// <summary>
/// A sweep file: the model, hook and data shared by all dictionaries, and the dictionaries. JSON:
/// <code>
/// { "model": "models/othello-lab", "hook": "blocks.3.hook_resid_post", "data": null, "source": "othello",
///   "tokens": "2M", "batch_size": 4096, "seed": 0,
///   "dictionaries": [ { "name": "topk-k32", "arch": "topk", "width": 2048, "k": 32 },
///                     { "name": "relu", "arch": "standard", "width": 2048, "l1": 0.05 } ] }
/// </code>
/// Dictionary fields: name, arch (standard, april, topk, batchtopk, matryoshka, jumprelu, gated, p-anneal), width, k, l1
/// (the sparsity coefficient λ), lr, target_l0, jumprelu_sparsity (l0-target, step, tanh), bandwidth, p_end, groups,
/// warmup_steps, sparsity_warmup_steps, decay_start, threshold_start, resample_every, dead_after_tokens, seed.
/// </summary>
public sealed record SweepFile(string? Model, string Hook, string? Data, string? Source, long Tokens, int BatchSize, ulong Seed, IReadOnlyList<DictionarySpec> Dictionaries)
{
    private static readonly string[] DictionaryFields =
        ["name", "arch", "width", "k", "l1", "lr", "target_l0", "jumprelu_sparsity", "bandwidth", "p_end", "groups", "warmup_steps", "sparsity_warmup_steps", "decay_start", "threshold_start", "resample_every", "dead_after_tokens", "seed"];

    /// <summary>Reads and checks a sweep file.</summary>
    /// <exception cref="ArgumentException">A missing or bad field, named with the file and the dictionary.</exception>
    public static SweepFile Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: not found");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ArgumentException($"{path}: not a JSON object");
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"{path}: not valid JSON ({error.Message})");
        }
        var fields = new JsonFields(path, root, message => new ArgumentException(message));
        long tokens = ParseTokens(fields.Text("tokens") ?? "2M", $"{path}: field 'tokens'");
        int batch = fields.Int("batch_size") ?? 4096;
        ulong seed = (ulong)(fields.Int("seed") ?? 0);
        if (root["dictionaries"] is not JsonArray list || list.Count == 0) throw new ArgumentException($"{path}: field 'dictionaries' must be a non-empty list");
        var specs = new List<DictionarySpec>();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject entry) throw new ArgumentException($"{path}: dictionaries[{i}] is not an object");
            string where = $"{path}: dictionaries[{i}]";
            if (entry.Select(p => p.Key).FirstOrDefault(k => !DictionaryFields.Contains(k)) is { } unknown)
                throw new ArgumentException($"{where}: unknown field '{unknown}' (known: {string.Join(", ", DictionaryFields)})");
            var f = new JsonFields(where, entry, message => new ArgumentException(message));
            string arch = f.String("arch") ?? throw new ArgumentException($"{where}: missing field 'arch'");
            TrainingMethod method;
            try
            {
                method = DictionaryTrainingOptions.ParseMethod(arch);
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"{where}: {error.Message}");
            }
            int width = f.Int("width") ?? throw new ArgumentException($"{where}: missing field 'width'");
            var options = new DictionaryTrainingOptions
            {
                Method = method,
                LearningRate = f.Double("lr"),
                SparsityCoefficient = f.Double("l1"),
                TargetL0 = f.Double("target_l0") ?? 20,
                JumpReluSparsity = f.String("jumprelu_sparsity") is { } s ? ParseJumpRelu(s, where) : JumpReluSparsity.L0Target,
                Bandwidth = f.Double("bandwidth") ?? 0.001,
                PEnd = f.Double("p_end") ?? 0.2,
                WarmupSteps = f.Int("warmup_steps"),
                SparsityWarmupSteps = f.Int("sparsity_warmup_steps"),
                DecayStartStep = f.Int("decay_start"),
                ThresholdStartStep = f.Int("threshold_start") ?? 1000,
                ResampleEvery = f.Int("resample_every") ?? 0,
                DeadAfterTokens = f.Long("dead_after_tokens") ?? 10_000_000,
                Seed = (ulong)(f.Int("seed") ?? (int)seed),
            };
            IReadOnlyList<int>? groups = entry["groups"] is JsonArray g ? [.. g.Select(v => v?.GetValue<int>() ?? 0)] : null;
            specs.Add(new DictionarySpec(f.String("name") ?? $"{arch}-{width}", options, width, f.Int("k") ?? 0, groups));
        }
        return new SweepFile(fields.String("model"), fields.String("hook") ?? throw new ArgumentException($"{path}: missing field 'hook'"),
            fields.String("data"), fields.String("source"), tokens, batch, seed, specs);
    }

    /// <summary>Parses a JumpReLU penalty name: l0-target, step, tanh.</summary>
    public static JumpReluSparsity ParseJumpRelu(string name, string where) => name.ToLowerInvariant() switch
    {
        "l0-target" or "l0target" or "l0" => JumpReluSparsity.L0Target,
        "step" => JumpReluSparsity.Step,
        "tanh" => JumpReluSparsity.Tanh,
        _ => throw new ArgumentException($"{where}: jumprelu_sparsity '{name}' is not one of l0-target, step, tanh"),
    };

    /// <summary>Parses a token count: 5000000, 5M, 2.5M, 500k, 1e6.</summary>
    public static long ParseTokens(string text, string where)
    {
        string t = text.Trim();
        double scale = 1;
        if (t.EndsWith('k') || t.EndsWith('K')) (scale, t) = (1e3, t[..^1]);
        else if (t.EndsWith('M') || t.EndsWith('m')) (scale, t) = (1e6, t[..^1]);
        else if (t.EndsWith('B') || t.EndsWith('b') || t.EndsWith('G')) (scale, t) = (1e9, t[..^1]);
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value * scale >= 1) || !double.IsFinite(value))
            throw new ArgumentException($"{where} is '{text}', not a token count such as 5000000, 5M or 500k");
        return (long)Math.Round(value * scale);
    }
}
