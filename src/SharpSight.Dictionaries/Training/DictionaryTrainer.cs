using SharpSight.Core.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training;

/// <summary>The parts of one step's loss (all scalars except the features and reconstruction).</summary>
/// <param name="Total">What is minimised.</param>
/// <param name="Reconstruction">Mean over the batch of ‖x − x̂‖² (summed over d_in).</param>
/// <param name="Sparsity">The sparsity penalty before its coefficient.</param>
/// <param name="Auxiliary">AuxK or the Gated auxiliary loss before its coefficient; null where the method has none.</param>
/// <param name="Features">f [batch, d_sae] as trained (training-time activation rule).</param>
/// <param name="Reconstructed">x̂ [batch, d_in].</param>
public sealed record LossTerms(Tensor Total, Tensor Reconstruction, Tensor Sparsity, Tensor? Auxiliary, Tensor Features, Tensor Reconstructed);

/// <summary>What one training step measured, for the progress bar and the metrics log.</summary>
/// <param name="Step">Steps done, this one included.</param>
/// <param name="Loss">Total loss.</param>
/// <param name="Mse">Mean over the batch of ‖x − x̂‖².</param>
/// <param name="L0">Mean number of active features per input.</param>
/// <param name="FractionOfVarianceExplained">1 − Σ_d Var(x − x̂) / Σ_d Var(x) over the batch.</param>
/// <param name="DeadFraction">Share of features that have not fired for the dead-feature window.</param>
/// <param name="LearningRate">Learning rate of the step.</param>
public sealed record StepMetrics(long Step, double Loss, double Mse, double L0, double FractionOfVarianceExplained, double DeadFraction, double LearningRate);

/// <summary>Training stopped because a loss was not finite; the dictionary holds the parameters from before the step.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);

/// <summary>
/// One dictionary's optimisation: a method's loss (subclasses), Adam, and the machinery dictionary_learning's trainers
/// share: learning-rate warmup and decay, sparsity warmup, gradient clipping, the unit-norm decoder constraint (the decoder
/// gradient projected orthogonal to each row before the step, rows renormalised after it), dead-feature tracking.
/// Trainers see batches of (already normalised) activations and keep everything needed to resume bit-identically.
/// </summary>
public abstract class DictionaryTrainer : IDisposable
{
    private readonly AdamW _optimizer;
    private readonly Tensor _tokensSinceFired;
    private readonly TorchSharp.Modules.Parameter[] _clipped;

    /// <summary>Wraps a dictionary (already initialised) and its options.</summary>
    protected DictionaryTrainer(SparseDictionary dictionary, DictionaryTrainingOptions options)
    {
        Dictionary = dictionary;
        Options = options;
        _clipped = [.. dictionary.Parameters.Where(p => p.Parameter.requires_grad).Select(p => p.Parameter)];
        Trainable = [.. dictionary.Parameters.Where(p => p.Parameter.requires_grad).Select(p => (p.Name, (Tensor)p.Parameter))];
        _optimizer = new AdamW(Trainable, beta1: options.Beta1InEffect, beta2: options.Beta2, eps: 1e-8, weightDecay: 0);
        _tokensSinceFired = zeros(dictionary.Width, ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <summary>The dictionary being trained.</summary>
    public SparseDictionary Dictionary { get; }

    /// <summary>Settings.</summary>
    public DictionaryTrainingOptions Options { get; }

    /// <summary>Steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>The parameters the optimiser updates, by name.</summary>
    protected IReadOnlyList<(string Name, Tensor Parameter)> Trainable { get; }

    /// <summary>The optimiser (for resampling, which resets moments).</summary>
    protected AdamW Optimizer => _optimizer;

    /// <summary>Tokens since each feature last fired [d_sae].</summary>
    protected Tensor TokensSinceFired => _tokensSinceFired;

    /// <summary>The sparsity coefficient at the current step, warmup included.</summary>
    protected virtual double CurrentCoefficient => Options.Coefficient * Options.SparsityScale(Step);

    /// <summary>The loss of a batch at the current step (with gradients).</summary>
    public abstract LossTerms Loss(Tensor x);

    /// <summary>Features that count as dead now (no activation for the method's window) [d_sae] bool.</summary>
    public Tensor DeadFeatures() => _tokensSinceFired.ge(DeadWindowTokens);

    /// <summary>Tokens without firing after which a feature counts as dead.</summary>
    protected virtual long DeadWindowTokens => Options.DeadAfterTokens;

    /// <summary>One optimiser step on a batch x [batch, d_in].</summary>
    /// <exception cref="NonFiniteLossException">The loss is NaN or infinite; nothing was changed.</exception>
    public StepMetrics TrainStep(Tensor x)
    {
        using var scope = NewDisposeScope();
        // The first batch may initialise parameters (b_dec); a copy lets a refused first step leave them as they were.
        Tensor[]? beforeFirstBatch = Step == 0 ? [.. Dictionary.Parameters.Select(p => p.Parameter.detach().clone())] : null;
        if (Step == 0) OnFirstBatch(x);
        double learningRate = Options.LearningRateFor(Dictionary.Width) * Options.LearningRateScale(Step);
        foreach ((_, Tensor parameter) in Trainable) parameter.grad?.zero_();

        LossTerms terms = Loss(x);
        double loss = terms.Total.item<float>();
        if (!double.IsFinite(loss))
        {
            if (beforeFirstBatch is not null)
                using (no_grad())
                    foreach (((_, TorchSharp.Modules.Parameter parameter), Tensor saved) in Dictionary.Parameters.Zip(beforeFirstBatch)) parameter.copy_(saved);
            throw new NonFiniteLossException($"step {Step + 1}: the loss is {loss} (reconstruction {terms.Reconstruction.item<float>()}, " +
                $"sparsity {terms.Sparsity.item<float>()}); training stopped before the update");
        }
        terms.Total.backward();
        if (Options.ConstrainsDecoder) ProjectDecoderGradient();
        if (Options.ClipNormInEffect > 0) nn.utils.clip_grad_norm_(_clipped, Options.ClipNormInEffect);
        _optimizer.Step(learningRate);
        if (Options.ConstrainsDecoder) NormalizeDecoder();

        using (no_grad())
        {
            Tensor active = terms.Features.detach().gt(0);
            _tokensSinceFired.add_(x.shape[0]).masked_fill_(active.any(0), 0);
            double l0 = active.sum().item<long>() / (double)x.shape[0];
            AfterStep(x, terms);
            Step++;
            return new StepMetrics(Step, loss, terms.Reconstruction.item<float>(), l0,
                FractionOfVarianceExplained(x, terms.Reconstructed.detach()), DeadFeatures().to(ScalarType.Float32).mean().item<float>(), learningRate);
        }
    }

    /// <summary>1 − Σ_d Var(x − x̂) / Σ_d Var(x), variances over the batch (dictionary_learning's definition).</summary>
    public static double FractionOfVarianceExplained(Tensor x, Tensor reconstructed)
    {
        using var scope = NewDisposeScope();
        Tensor total = x.var(0L).sum();
        Tensor residual = (x - reconstructed).var(0L).sum();
        return 1 - residual.item<float>() / (double)total.item<float>();
    }

    /// <summary>Mean over the batch of ‖x − x̂‖², summed over d_in.</summary>
    protected static Tensor SquaredError(Tensor x, Tensor reconstructed) => (x - reconstructed).pow(2).sum(-1).mean();

    /// <summary>Called once, before the first step, with its batch (e.g. to initialise b_dec).</summary>
    protected virtual void OnFirstBatch(Tensor x)
    {
    }

    /// <summary>Called after each update, inside no_grad, before the step count advances.</summary>
    protected virtual void AfterStep(Tensor x, LossTerms terms)
    {
    }

    /// <summary>g ← g − (g·ŵ)ŵ for each decoder row's direction ŵ: the step cannot change a row's norm to first order.</summary>
    private void ProjectDecoderGradient()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor weight = Dictionary.DecoderWeight;
        if (weight.grad is not { } gradient) return;
        Tensor unit = weight / weight.norm(1, keepdim: true).clamp_min(1e-12);
        gradient.sub_((gradient * unit).sum(1, keepdim: true) * unit);
    }

    /// <summary>Rescales every decoder row to unit norm.</summary>
    protected void NormalizeDecoder()
    {
        using var noGrad = no_grad();
        using Tensor norms = Dictionary.DecoderWeight.norm(1, keepdim: true).clamp_min(1e-12);
        Dictionary.DecoderWeight.div_(norms);
    }

    /// <summary>Everything a checkpoint needs: parameters, Adam moments, dead-feature counters and method state.</summary>
    public virtual IEnumerable<KeyValuePair<string, Tensor>> StateTensors()
    {
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in Dictionary.Parameters) yield return new($"dictionary.{name}", parameter.detach());
        foreach (KeyValuePair<string, Tensor> moment in _optimizer.State()) yield return new($"adam.{moment.Key}", moment.Value);
        yield return new("tokens_since_fired", _tokensSinceFired);
    }

    /// <summary>Scalar state (step, method state) for a checkpoint.</summary>
    public virtual Dictionary<string, double> StateScalars() => new() { ["step"] = Step, ["adam_steps"] = _optimizer.Steps };

    /// <summary>Restores what <see cref="StateTensors"/> and <see cref="StateScalars"/> saved.</summary>
    public virtual void Restore(Func<string, Tensor> read, IReadOnlyDictionary<string, double> scalars)
    {
        using var noGrad = no_grad();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in Dictionary.Parameters)
        {
            using Tensor value = read($"dictionary.{name}");
            parameter.copy_(value);
        }
        _optimizer.Restore(name => read($"adam.{name}"), (long)scalars["adam_steps"]);
        using (Tensor counters = read("tokens_since_fired")) _tokensSinceFired.copy_(counters);
        Step = (long)scalars["step"];
    }

    /// <inheritdoc />
    public virtual void Dispose()
    {
        _optimizer.Dispose();
        _tokensSinceFired.Dispose();
        GC.SuppressFinalize(this);
    }
}
