using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training.Methods;

/// <summary>
/// p-annealing (Karvonen et al., the board-game SAE work): a ReLU dictionary with penalty λ·Σ fᵢᵖ (or (Σ fᵢᵖ)^(1/p)) whose p
/// steps linearly from 1 down to p_end at <see cref="DictionaryTrainingOptions.SparsityUpdates"/> evenly spaced steps from
/// the anneal start to the last step. At each change λ is multiplied by (mean Lp at the old p) / (mean Lp at the new p)
/// over the last 10 batches, so the penalty keeps its size while its shape sharpens towards L0. Otherwise as Standard.
/// </summary>
public sealed class PAnnealTrainer : StandardTrainer
{
    private const int QueueLength = 10;
    private readonly double[] _pValues;
    private readonly long[] _updateSteps;
    private readonly List<(double Current, double Next)> _queue = [];
    private int _pStep;

    /// <summary>Wraps an initialised ReLU dictionary.</summary>
    public PAnnealTrainer(ReluDictionary dictionary, DictionaryTrainingOptions options) : base(dictionary, options)
    {
        int n = Math.Max(1, options.SparsityUpdates);
        long start = options.AnnealStartStep ?? options.Steps / 10, end = Math.Max(start, options.Steps - 1);
        _pValues = [.. Enumerable.Range(0, n).Select(i => n == 1 ? options.PEnd : 1 + (options.PEnd - 1) * i / (n - 1))];
        _updateSteps = [.. Enumerable.Range(0, n).Select(i => n == 1 ? start : start + (end - start) * i / (n - 1))];
        Coefficient = options.Coefficient;
        P = 1;
    }

    /// <summary>The exponent p now.</summary>
    public double P { get; private set; }

    /// <summary>λ now (before sparsity warmup).</summary>
    public double Coefficient { get; private set; }

    private double? NextP => _pStep > 0 && _pStep < _pValues.Length ? _pValues[_pStep] : null;

    /// <inheritdoc />
    protected override double CurrentCoefficient => Coefficient * Options.SparsityScale(Step);

    /// <inheritdoc />
    protected override Tensor Penalty(Tensor features) => Lp(features, P);

    private Tensor Lp(Tensor features, double p)
    {
        Tensor powered = features.pow(p).sum(-1);
        return (Options.PAnnealPenalty == PAnnealPenalty.Lp ? powered.pow(1 / p) : powered).mean();
    }

    /// <inheritdoc />
    protected override void AfterStep(Tensor x, LossTerms terms)
    {
        if (NextP is { } next)
        {
            Tensor features = terms.Features.detach();
            _queue.Add((terms.Sparsity.item<float>(), Lp(features, next).item<float>()));
            if (_queue.Count > QueueLength) _queue.RemoveAt(0);
        }
        if (_pStep < _updateSteps.Length && Step >= _updateSteps[_pStep])
        {
            if (NextP is not null && _queue.Count > 0)
                Coefficient *= _queue.Average(q => q.Current) / _queue.Average(q => q.Next);
            P = _pValues[_pStep];
            _pStep++;
        }
        base.AfterStep(x, terms);
    }

    /// <inheritdoc />
    public override Dictionary<string, double> StateScalars()
    {
        Dictionary<string, double> state = base.StateScalars();
        state["p"] = P;
        state["p_step"] = _pStep;
        state["coefficient"] = Coefficient;
        state["queue"] = _queue.Count;
        for (int i = 0; i < _queue.Count; i++)
        {
            state[$"queue.{i}.current"] = _queue[i].Current;
            state[$"queue.{i}.next"] = _queue[i].Next;
        }
        return state;
    }

    /// <inheritdoc />
    public override void Restore(Func<string, Tensor> read, IReadOnlyDictionary<string, double> scalars)
    {
        base.Restore(read, scalars);
        P = scalars["p"];
        _pStep = (int)scalars["p_step"];
        Coefficient = scalars["coefficient"];
        _queue.Clear();
        for (int i = 0; i < (int)scalars["queue"]; i++) _queue.Add((scalars[$"queue.{i}.current"], scalars[$"queue.{i}.next"]));
    }
}
