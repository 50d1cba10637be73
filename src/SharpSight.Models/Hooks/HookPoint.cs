using TorchSharp;

namespace SharpSight.Models.Hooks;

/// <summary>
/// A function run at a hook point. It sees the activation flowing through the point and returns a
/// replacement, or null to leave it unchanged.
/// </summary>
/// <param name="activation">The value at the hook point (batch dimension first).</param>
/// <param name="hook">The hook point, for its name.</param>
public delegate torch.Tensor? HookFunction(torch.Tensor activation, HookPoint hook);

/// <summary>
/// A named place in the forward pass where activations can be read or replaced
/// (TransformerLens vocabulary: "blocks.3.hook_resid_post", "blocks.3.attn.hook_pattern", ...).
/// </summary>
/// <remarks>
/// Our own hook points rather than TorchSharp module hooks: TorchSharp keeps module hooks in unordered
/// dictionaries keyed by module path (which follows the checkpoint layout, not TransformerLens names),
/// and many hook points are not module outputs at all (q/k/v, scores, pattern, z). Here hooks run in the
/// order they were added, and a point with no hooks costs one list check.
/// The forward pass runs inside a TorchSharp dispose scope: a hook that keeps a tensor beyond the call
/// must detach it from that scope (as <see cref="ActivationCache"/> does).
/// </remarks>
public sealed class HookPoint
{
    private readonly List<HookFunction> _hooks = [];

    /// <summary>Creates a hook point.</summary>
    /// <param name="name">Full TransformerLens-style name.</param>
    /// <param name="shape">Shape of the value, e.g. [batch, pos, 768].</param>
    public HookPoint(string name, HookShape shape)
    {
        Name = name;
        Shape = shape;
    }

    /// <summary>Full name, e.g. "blocks.0.attn.hook_q".</summary>
    public string Name { get; }

    /// <summary>Shape of the value, with the model's sizes filled in.</summary>
    public HookShape Shape { get; }

    /// <summary>True if any hook is attached.</summary>
    public bool IsActive => _hooks.Count > 0;

    /// <summary>Attaches a hook; dispose the result to remove it.</summary>
    public IDisposable Add(HookFunction hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add(hook);
        return new Removal(this, hook);
    }

    /// <summary>Removes every hook from this point.</summary>
    public void Clear() => _hooks.Clear();

    /// <summary>Passes an activation through the attached hooks, in the order they were added.</summary>
    public torch.Tensor Run(torch.Tensor activation)
    {
        if (_hooks.Count == 0) return activation;
        // Copy: a hook may remove itself while running.
        foreach (HookFunction hook in _hooks.ToArray())
            activation = hook(activation, this) ?? activation;
        return activation;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Shape}";

    private sealed class Removal(HookPoint point, HookFunction hook) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            point._hooks.Remove(hook);
        }
    }
}
