using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Attachment;

/// <summary>
/// A dictionary spliced into a model at a hook point. Its values become hook points of their own, named as in SAELens
/// after the host point (e.g. "blocks.3.hook_resid_post.hook_sae_acts_post"), in forward order right after the host:
/// <list type="bullet">
/// <item><c>hook_sae_input</c> [.., d_in]: the host's activation x entering the dictionary;</item>
/// <item><c>hook_sae_acts_post</c> [.., d_sae]: the features f;</item>
/// <item><c>hook_sae_recons</c> [.., d_in]: the reconstruction x̂ = decode(f), from the features as (possibly) edited;</item>
/// <item><c>hook_sae_error</c> [.., d_in]: the error ε = x − decode(encode(x)) of the unedited features (with the error term);</item>
/// <item><c>hook_sae_output</c> [.., d_in]: what continues through the model, x̂ + ε (or x̂ alone without the error term).</item>
/// </list>
/// With the error term the model computes exactly what it did before (up to rounding), and an edit of the features
/// changes only x̂: the error stays that of the clean input, its own node as in feature circuits. The error keeps its
/// gradient path to x, so gradients upstream of the dictionary are those of the model, while the gradient at
/// hook_sae_acts_post and at hook_sae_error splits the host's gradient into feature and error parts. Read, write and
/// differentiate these points through the trace API like any other. Dispose to detach.
/// </summary>
public sealed class AttachedDictionary : IDisposable
{
    /// <summary>Suffixes of the points a dictionary adds, in forward order.</summary>
    public static readonly IReadOnlyList<string> PointNames = ["hook_sae_input", "hook_sae_acts_post", "hook_sae_recons", "hook_sae_error", "hook_sae_output"];

    private readonly TransformerModel _model;
    private readonly IReadOnlyList<HookPoint> _points;
    private readonly IDisposable _hook;
    private readonly HookPoint _input, _features, _reconstruction, _error, _output;

    private AttachedDictionary(TransformerModel model, string hook, SparseDictionary dictionary, bool useErrorTerm)
    {
        _model = model;
        Hook = hook;
        Dictionary = dictionary;
        UseErrorTerm = useErrorTerm;
        HookShape host = model.Hooks[hook].Shape;
        HookDim[] prefix = [.. host.Dims.Take(host.Dims.Count - 1)];
        var inputShape = new HookShape([.. prefix, dictionary.InputSize]);
        var featureShape = new HookShape([.. prefix, dictionary.Width]);
        _points = model.Hooks.InsertAfter(hook, PointNames.Select(n => ($"{hook}.{n}", n == "hook_sae_acts_post" ? featureShape : inputShape)));
        (_input, _features, _reconstruction, _error, _output) = (_points[0], _points[1], _points[2], _points[3], _points[4]);
        _hook = model.Hooks[hook].Add(Splice);
    }

    /// <summary>The host hook point's name.</summary>
    public string Hook { get; }

    /// <summary>The dictionary.</summary>
    public SparseDictionary Dictionary { get; }

    /// <summary>Whether the error term is added back (the model's output is then unchanged).</summary>
    public bool UseErrorTerm { get; }

    /// <summary>Full name of one of the dictionary's points, e.g. PointName("hook_sae_acts_post").</summary>
    public string PointName(string suffix) => PointNames.Contains(suffix)
        ? $"{Hook}.{suffix}"
        : throw new ArgumentException($"'{suffix}' is not one of {string.Join(", ", PointNames)}");

    /// <summary>
    /// Attaches <paramref name="dictionary"/> at <paramref name="hook"/>, whose last dimension must be the dictionary's d_in.
    /// </summary>
    /// <exception cref="ArgumentException">The hook's size disagrees with the dictionary, or a dictionary is attached there already.</exception>
    public static AttachedDictionary Attach(TransformerModel model, string hook, SparseDictionary dictionary, bool useErrorTerm = true)
    {
        HookPoint point = model.Hooks[hook];
        HookDim last = point.Shape.Dims[^1];
        if (last.Symbol is not null || last.Size != dictionary.InputSize)
            throw new ArgumentException($"the dictionary reads d_in {dictionary.InputSize} but '{hook}' has shape {point.Shape}");
        if (model.Hooks.Contains($"{hook}.{PointNames[0]}"))
            throw new ArgumentException($"a dictionary is already attached at '{hook}'");
        return new AttachedDictionary(model, hook, dictionary, useErrorTerm);
    }

    // Runs inside the host's hook, within the forward pass's dispose scope.
    private Tensor Splice(Tensor activation, HookPoint host)
    {
        ScalarType dtype = activation.dtype;
        Tensor x = _input.Run(activation.to(Dictionary.EncoderWeight.dtype));
        Tensor clean = Dictionary.Encode(x);
        Tensor cleanReconstruction = Dictionary.Decode(clean);
        Tensor reconstruction = cleanReconstruction;
        if (_features.IsActive || _reconstruction.IsActive)
        {
            // The features' hook gets a view of its own: a gradient taken at hook_sae_acts_post then counts only the path
            // through x̂, not the error's, which is computed from the clean features and stays fixed as they are edited.
            Tensor features = _features.Run(clean.view_as(clean));
            reconstruction = _reconstruction.Run(Dictionary.Decode(features));
        }
        Tensor output = UseErrorTerm ? reconstruction + _error.Run(x - cleanReconstruction) : reconstruction;
        return _output.Run(output).to(dtype);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _hook.Dispose();
        foreach (HookPoint point in _points) _model.Hooks.Remove(point);
    }
}
