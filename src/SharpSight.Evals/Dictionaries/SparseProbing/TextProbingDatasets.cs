using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>
/// Sparse-probing datasets from labelled text (SAEBench's text datasets): each example is one text, cut to the context
/// length after a BOS (when the tokenizer has one), its activation the model's values at the hook mean-pooled over its
/// tokens except BOS (SAEBench masks BOS, padding and EOS).
/// </summary>
public static class TextProbingDatasets
{
    private sealed record Example(int Line, string Text, string Label);

    /// <summary>
    /// Reads a JSON Lines file, one object per line with a text field and a label field (string, number or boolean; blank
    /// lines are skipped), keeps the <see cref="ProbingDataset.MaxClasses"/> most frequent labels (ties: first seen first),
    /// and splits each label's examples at random into train and test. The dataset is named after the file. The caller owns
    /// (disposes) the dataset.
    /// </summary>
    /// <param name="path">The .jsonl file.</param>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="hook">Hook point with [batch, pos, d] values, e.g. "blocks.3.hook_resid_post".</param>
    /// <param name="textField">Name of the text field.</param>
    /// <param name="labelField">Name of the label field.</param>
    /// <param name="contextLength">Tokens per example at most, BOS included (SAEBench: 128).</param>
    /// <param name="trainFraction">Share of each label's examples used for training (the rest for testing).</param>
    /// <param name="seed">Seed of the split.</param>
    /// <param name="maxExamplesPerClass">Examples kept per label at most (before splitting), or null for all.</param>
    /// <exception cref="ArgumentException">A bad line (naming the file, line and field), fewer than two labels, a label with one example.</exception>
    public static ProbingDataset FromJsonl(string path, TransformerModel model, ITokenizer tokenizer, string hook, string textField = "text", string labelField = "label",
        int contextLength = 128, double trainFraction = 0.8, int seed = 42, int? maxExamplesPerClass = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        HookActivations.Check(model, hook);
        int minimumContext = tokenizer.BosId is null ? 1 : 2;
        if (contextLength < minimumContext || contextLength > model.Config.MaxPositions)
            throw new ArgumentException($"contextLength must lie in {minimumContext}..{model.Config.MaxPositions} (the model's positions), got {contextLength}");
        if (!(trainFraction > 0 && trainFraction < 1)) throw new ArgumentException($"trainFraction must lie strictly between 0 and 1, got {trainFraction}");
        if (maxExamplesPerClass is < 2) throw new ArgumentException($"maxExamplesPerClass must be at least 2, got {maxExamplesPerClass}");

        List<Example> examples = Read(path, textField, labelField);
        string[] classes = [.. examples.Select((e, i) => (e.Label, i)).GroupBy(e => e.Label)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.First().i).Take(ProbingDataset.MaxClasses).Select(g => g.Key)];
        if (classes.Length < 2) throw new ArgumentException($"{path}: field '{labelField}' needs at least 2 distinct labels, found {classes.Length}");

        var random = new Random(seed);
        var train = new List<(Example, int)>();
        var test = new List<(Example, int)>();
        for (int c = 0; c < classes.Length; c++)
        {
            Example[] members = [.. examples.Where(e => e.Label == classes[c])];
            if (members.Length < 2) throw new ArgumentException($"{path}: label '{classes[c]}' has only {members.Length} example; need 2 to fill train and test");
            random.Shuffle(members);
            if (maxExamplesPerClass is { } cap) members = members[..Math.Min(cap, members.Length)];
            int trainCount = Math.Clamp((int)Math.Round(members.Length * trainFraction), 1, members.Length - 1);
            train.AddRange(members[..trainCount].OrderBy(e => e.Line).Select(e => (e, c)));
            test.AddRange(members[trainCount..].OrderBy(e => e.Line).Select(e => (e, c)));
        }
        string name = Path.GetFileNameWithoutExtension(path);
        ProbingSplit trainSplit = Split(path, textField, model, tokenizer, hook, contextLength, train);
        try
        {
            return new ProbingDataset(name, trainSplit, Split(path, textField, model, tokenizer, hook, contextLength, test), classes);
        }
        catch
        {
            trainSplit.Dispose();
            throw;
        }
    }

    private static List<Example> Read(string path, string textField, string labelField)
    {
        var examples = new List<Example>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"{path}:{lineNumber}: not valid JSON ({e.Message.Split('\n')[0].TrimEnd()})");
            }
            if (node is not JsonObject row) throw new ArgumentException($"{path}:{lineNumber}: expected a JSON object");
            if (row[textField] is not JsonValue textValue) throw new ArgumentException($"{path}:{lineNumber}: field '{textField}' is missing");
            if (textValue.GetValueKind() != JsonValueKind.String) throw new ArgumentException($"{path}:{lineNumber}: field '{textField}' must be a string");
            if (row[labelField] is not JsonValue labelValue) throw new ArgumentException($"{path}:{lineNumber}: field '{labelField}' is missing");
            string label = labelValue.GetValueKind() switch
            {
                JsonValueKind.String => labelValue.GetValue<string>(),
                JsonValueKind.Number => labelValue.ToJsonString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new ArgumentException($"{path}:{lineNumber}: field '{labelField}' must be a string, number or boolean"),
            };
            examples.Add(new Example(lineNumber, textValue.GetValue<string>(), label));
        }
        return examples;
    }

    // Tokens: [BOS] + the text's tokens, cut at the context length; pooled over every token but BOS.
    private static ProbingSplit Split(string path, string textField, TransformerModel model, ITokenizer tokenizer, string hook, int contextLength, List<(Example Example, int Label)> examples)
    {
        var sequences = new List<int[]>();
        var keep = new List<int[]>();
        foreach ((Example example, _) in examples)
        {
            var ids = new List<int>();
            if (tokenizer.BosId is { } bos) ids.Add(bos);
            int first = ids.Count;
            IReadOnlyList<int> tokens = tokenizer.Encode(example.Text, addSpecialTokens: false).Ids;
            for (int i = 0; i < tokens.Count && ids.Count < contextLength; i++) ids.Add(tokens[i]);
            if (ids.Count == first) throw new ArgumentException($"{path}:{example.Line}: field '{textField}' gives no tokens");
            if (ids.Any(id => id < 0 || id >= model.Config.VocabSize))
                throw new ArgumentException($"{path}:{example.Line}: a token id lies outside the model's vocabulary of {model.Config.VocabSize}");
            sequences.Add([.. ids]);
            keep.Add([.. Enumerable.Range(first, ids.Count - first)]);
        }
        int padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;
        return new ProbingSplit(HookActivations.Collect(model, hook, sequences, keep, padId), [.. keep.Select(k => k.Length)], [.. examples.Select(e => e.Label)],
            [.. examples.Select(e => "line " + e.Example.Line.ToString(CultureInfo.InvariantCulture))]);
    }
}
