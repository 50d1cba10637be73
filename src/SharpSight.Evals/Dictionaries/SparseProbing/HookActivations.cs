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

    // The hook's value at the chosen flat rows (batch · length + position), float32 on the CPU, detached from every dispose
    // scope (the caller owns it). The forward pass is cut short once the hook has run: later layers cannot change it.
    private static Tensor RunUntil(TransformerModel model, string hook, Tensor input, Tensor rowIndex)
    {
        Tensor? captured = null;
        Tensor? Capture(Tensor value, HookPoint point)
        {
            // The forward pass's temporaries die with its scope; the copy is detached from every scope and moved to ours below.
            captured = value.reshape(value.shape[0] * value.shape[1], value.shape[2]).index_select(0, rowIndex)
                .to(ScalarType.Float32).cpu().contiguous().clone().DetachFromDisposeScope();
            throw StopForward.Instance;
        }

        try
        {
            using (model.Hooks[hook].Add(Capture))
            {
                using Tensor logits = model.Forward(input);
            }
        }
        catch (StopForward)
        {
        }
        return captured ?? throw new InvalidOperationException($"hook point '{hook}' did not run during the forward pass");
    }

    /// <summary>Thrown from the hook to end the forward pass once the activation is taken (one reused instance).</summary>
    private sealed class StopForward : Exception
    {
        public static readonly StopForward Instance = new();
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
                using Tensor rowIndex = tensor(rows.ToArray(), device: model.Device);
                parts.Add(RunUntil(model, hook, input, rowIndex));
            }
            return parts.Count == 0 ? zeros(0, model.Config.DModel) : cat(parts, 0);
        }
        finally
        {
            foreach (Tensor t in parts) t.Dispose();
        }
    }
}
