using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>A model's activations at one hook point for chosen positions of many token sequences, run in batches.</summary>
internal static class HookActivations
{
    /// <summary>Throws unless the model has the hook point with [batch, pos, d] values.</summary>
    public static void Check(TransformerModel model, string hook)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Hooks.Contains(hook)) throw new ArgumentException($"hook: the model has no hook point '{hook}'");
        if (model.Hooks[hook].Shape.Dims.Count != 3) throw new ArgumentException($"hook: '{hook}' is not [batch, pos, d]");
    }

    /// <summary>
    /// Rows [Σ kept positions, d] (float32, CPU): for each sequence in order, the hook's value at each of its kept positions
    /// in order. Sequences are right-padded with <paramref name="padId"/> in batches; the model is causal, so padding after a
    /// sequence does not change its activations.
    /// </summary>
    public static Tensor Collect(TransformerModel model, string hook, IReadOnlyList<int[]> sequences, IReadOnlyList<int[]> keep, int padId, int batchSize = 64)
    {
        Check(model, hook);
        var parts = new List<Tensor>();
        using var noGrad = no_grad();
        try
        {
            for (int start = 0; start < sequences.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(batchSize, sequences.Count - start);
                int length = Enumerable.Range(start, count).Max(s => sequences[s].Length);
                var ids = new long[count * length];
                Array.Fill(ids, padId);
                var rows = new List<long>();
                for (int b = 0; b < count; b++)
                {
                    int[] sequence = sequences[start + b];
                    for (int p = 0; p < sequence.Length; p++) ids[b * length + p] = sequence[p];
                    foreach (int p in keep[start + b]) rows.Add(b * length + p);
                }
                if (rows.Count == 0) continue;
                using Tensor input = tensor(ids, [count, length], device: model.Device);
                (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, input, include: name => name == hook);
                logits.Dispose();
                using (cache)
                {
                    Tensor value = cache[hook];
                    Tensor selected = value.reshape(count * length, value.shape[2]).index_select(0, tensor(rows.ToArray(), device: value.device));
                    parts.Add(selected.to(ScalarType.Float32).cpu().clone().MoveToOuterDisposeScope());
                }
            }
            return parts.Count == 0 ? zeros(0, model.Config.DModel) : cat(parts, 0);
        }
        finally
        {
            foreach (Tensor t in parts) t.Dispose();
        }
    }
}
