namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>A balanced binary problem drawn from a multi-class split: example indices and whether each is the class.</summary>
/// <param name="Indices">Examples of the split, shuffled.</param>
/// <param name="IsClass">Per index: true for the class, false for the rest.</param>
public sealed record BinaryProblem(IReadOnlyList<int> Indices, IReadOnlyList<bool> IsClass);

/// <summary>
/// SAEBench's one-versus-rest sampling (probe_training.prepare_probe_data): every example of the class is a positive; from
/// each other class ⌈P / (classes − 1)⌉ examples are drawn at random, and P of those pooled negatives are kept, so the
/// problem is balanced. Should the other classes hold fewer than P examples in all, positives are drawn down to the
/// negatives' count instead (SAEBench would stop on an assertion).
/// </summary>
public static class OneVersusRest
{
    /// <summary>The balanced problem of class <paramref name="classIndex"/> among <paramref name="labels"/>, drawn with <paramref name="seed"/>.</summary>
    public static BinaryProblem Sample(IReadOnlyList<int> labels, int classIndex, int seed)
    {
        var random = new Random(seed);
        int[] positives = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == classIndex)];
        var others = labels.Where(l => l != classIndex).Distinct().Order().ToArray();
        if (positives.Length == 0 || others.Length == 0)
            throw new ArgumentException($"class {classIndex} needs examples of its own and of another class, got {positives.Length} and {labels.Count - positives.Length}");
        int perOther = (positives.Length + others.Length - 1) / others.Length;
        var negatives = new List<int>();
        foreach (int other in others)
        {
            int[] members = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == other)];
            random.Shuffle(members);
            negatives.AddRange(members.Take(perOther));
        }
        int[] pooled = [.. negatives];
        random.Shuffle(pooled);
        int count = Math.Min(positives.Length, pooled.Length);
        if (count < positives.Length) random.Shuffle(positives);
        var chosen = positives.Take(count).Select(i => (Index: i, IsClass: true)).Concat(pooled.Take(count).Select(i => (Index: i, IsClass: false))).ToArray();
        random.Shuffle(chosen);
        return new BinaryProblem([.. chosen.Select(c => c.Index)], [.. chosen.Select(c => c.IsClass)]);
    }
}
