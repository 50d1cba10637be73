using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Core.Optimization;

/// <summary>
/// AdamW (decoupled weight decay, Loshchilov and Hutter) over a fixed list of named parameters. Ours rather than
/// TorchSharp's so that its state is plain named tensors a checkpoint saves and restores exactly, which makes a resumed
/// run identical to an uninterrupted one.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Parameter)> _parameters;
    private readonly Tensor[] _first, _second;
    private readonly double _beta1, _beta2, _eps, _weightDecay;

    /// <summary>Creates the optimiser with zero moments.</summary>
    public AdamW(IReadOnlyList<(string Name, Tensor Parameter)> parameters, double beta1 = 0.9, double beta2 = 0.99, double eps = 1e-8, double weightDecay = 0.01)
    {
        _parameters = parameters;
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        _weightDecay = weightDecay;
        _first = parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope()).ToArray();
        _second = parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Steps taken (bias correction uses it).</summary>
    public long Steps { get; private set; }

    /// <summary>One update with the gradients currently in the parameters' .grad; matrices (rank ≥ 2) are decayed, vectors not.</summary>
    public void Step(double learningRate)
    {
        Steps++;
        double correction1 = 1 - Math.Pow(_beta1, Steps), correction2 = 1 - Math.Pow(_beta2, Steps);
        // Explicit Scalars held to the end of the method: an implicit double→Scalar temporary is referenced only until
        // its native handle is read, so the GC may finalise it during the native call (seen as a garbage value). That
        // includes the alpha = 1 TorchSharp creates inside add_(Scalar), so every add_ here passes its alpha.
        using Scalar beta1 = _beta1, keep1 = 1 - _beta1, beta2 = _beta2, keep2 = 1 - _beta2, eps = _eps, one = 1,
            inverseCorrection2 = 1 / correction2, decay = 1 - learningRate * _weightDecay, stepSize = -learningRate / correction1;
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            using var scope = NewDisposeScope();
            Tensor parameter = _parameters[i].Parameter;
            Tensor? gradient = parameter.grad;
            if (gradient is null) continue;
            _first[i].mul_(beta1).add_(gradient, alpha: keep1);
            _second[i].mul_(beta2).addcmul_(gradient, gradient, value: keep2);
            if (_weightDecay > 0 && parameter.dim() >= 2) parameter.mul_(decay);
            Tensor denominator = _second[i].mul(inverseCorrection2).sqrt_().add_(eps, one);
            parameter.addcdiv_(_first[i], denominator, value: stepSize);
        }
    }

    /// <summary>
    /// The live first and second moments of one parameter, for in-place edits such as zeroing the moments of resampled
    /// dictionary features.
    /// </summary>
    public (Tensor First, Tensor Second) Moments(string name)
    {
        for (int i = 0; i < _parameters.Count; i++)
            if (_parameters[i].Name == name) return (_first[i], _second[i]);
        throw new KeyNotFoundException($"the optimiser has no parameter '{name}'");
    }

    /// <summary>The moments by name ("m.NAME", "v.NAME"), for a checkpoint.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State() =>
        _parameters.SelectMany((p, i) => new[] { new KeyValuePair<string, Tensor>($"m.{p.Name}", _first[i]), new($"v.{p.Name}", _second[i]) });

    /// <summary>Restores moments and the step count saved by <see cref="State"/>.</summary>
    public void Restore(Func<string, Tensor> read, long steps)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            using Tensor m = read($"m.{_parameters[i].Name}"), v = read($"v.{_parameters[i].Name}");
            _first[i].copy_(m);
            _second[i].copy_(v);
        }
        Steps = steps;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in _first.Concat(_second)) t.Dispose();
    }
}
