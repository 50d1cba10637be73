using SharpSight.Models.Generation;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;
using SharpSight.Tracing.Graph;
using static TorchSharp.torch;

namespace SharpSight.Tracing.Execution;

/// <summary>What a traced generation produced: the generated sequences and, per decoding step, the saved values.</summary>
public sealed class GenerationTraceResult : IDisposable
{
    internal GenerationTraceResult(IReadOnlyList<GenerationResult> generated, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> steps)
    {
        Generated = generated;
        Steps = steps;
    }

    /// <summary>One result per input (each input is one prompt).</summary>
    public IReadOnlyList<GenerationResult> Generated { get; }

    /// <summary>Saved values per decoding step (empty for steps the graph was not applied at).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Tensor>> Steps { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var step in Steps)
            foreach (Tensor value in step.Values) value.Dispose();
    }
}

/// <summary>
/// Applies an intervention graph at every decoding step of generation (or at chosen steps). Each step's forward pass is a
/// fresh pass of the graph, validated for that step's sizes: the prompt's positions at step 0, then one new position per
/// step with the KV cache. Writes therefore reach each position once, at the step that computes it.
/// </summary>
public static class GenerationTrace
{
    /// <summary>Generates from one prompt per graph input with the graph in place.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer (padding, end of sequence, stop strings, text).</param>
    /// <param name="graph">The graph; no gradients and no stop point.</param>
    /// <param name="prompts">One prompt per input.</param>
    /// <param name="options">Generation options.</param>
    /// <param name="steps">Steps to apply the graph at; null = every step.</param>
    public static GenerationTraceResult Run(TransformerModel model, ITokenizer tokenizer, InterventionGraph graph,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, IReadOnlySet<int>? steps = null)
    {
        if (graph.Nodes.OfType<GradNode>().FirstOrDefault() is { } grad)
            throw new GraphException($"{GraphValidator.Describe(grad)}: gradients are not available during generation");
        if (graph.StopAfter is not null) throw new GraphException("stop_after is not available during generation (every step needs the logits)");
        if (prompts.Count != graph.Inputs) throw new GraphException($"the graph has {graph.Inputs} input(s) but {prompts.Count} prompts were given");
        // Validate once for the first step's sizes before generating anything.
        var batch = prompts.Select(_ => 1L).ToArray();
        long promptLength = prompts.Max(p => p.Count);
        GraphValidator.Validate(graph, model, batch, promptLength, promptLength);

        var inputs = new TraceInputs([.. prompts.Select(p => (IReadOnlyList<long[]>)[p.Select(t => (long)t).ToArray()])]);
        var perStep = new List<IReadOnlyDictionary<string, Tensor>>();
        GraphExecutor? pass = null;
        long keyLength = 0;
        int step = -1;

        void FinishPass()
        {
            if (step < 0) return;
            perStep.Add(pass?.FinishStep() ?? new Dictionary<string, Tensor>());
            pass = null;
        }

        // Hook 0 (hook_embed) opens every forward pass: finish the previous step, validate and start this one.
        Tensor? Open(Tensor x, HookPoint hook)
        {
            FinishPass();
            step++;
            long length = x.shape[1];
            keyLength = options.UseCache ? keyLength + length : length;
            if (steps is null || steps.Contains(step))
                pass = GraphExecutor.ForStep(model, GraphValidator.Validate(graph, model, batch, length, keyLength), inputs);
            return pass?.AtHookPublic(x, hook);
        }

        var removals = new List<IDisposable> { model.Hooks[0].Add(Open) };
        foreach (string name in GraphExecutor.HooksOf(graph).Where(n => n != model.Hooks[0].Name))
            removals.Add(model.Hooks[name].Add((x, hook) => pass?.AtHookPublic(x, hook)));
        try
        {
            IReadOnlyList<GenerationResult> generated = new TextGenerator(model, tokenizer).Generate(prompts, options);
            FinishPass();
            return new GenerationTraceResult(generated, perStep);
        }
        catch
        {
            foreach (var saved in perStep) foreach (Tensor t in saved.Values) t.Dispose();
            pass?.FinishStep();
            throw;
        }
        finally
        {
            foreach (IDisposable removal in removals) removal.Dispose();
        }
    }
}
