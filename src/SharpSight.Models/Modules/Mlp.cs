using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// The feed-forward sublayer: out(act(in(x))), or gated out(act(in(x)) * up(x)) (SwiGLU / GeGLU),
/// where "in" is the gate projection of gated MLPs.
/// </summary>
public sealed class Mlp : nn.Module
{
    [ComponentName(Name = "in_proj")] private readonly Projection _in;
    [ComponentName(Name = "up_proj")] private readonly Projection? _up;
    [ComponentName(Name = "out_proj")] private readonly Projection _out;
    private readonly ActivationKind _activation;
    private readonly HookPoint _hookPre, _hookPost;
    private readonly HookPoint? _hookPreLinear;

    /// <summary>Creates the MLP of block <paramref name="layer"/> with uninitialised weights.</summary>
    public Mlp(TransformerConfig config, int layer, HookPointSet hooks, ScalarType dtype, Device device) : base(nameof(Mlp))
    {
        _activation = config.Activation;
        _in = new Projection(config.DModel, config.DMlp, config.MlpBias, dtype, device);
        if (config.GatedMlp) _up = new Projection(config.DModel, config.DMlp, config.MlpBias, dtype, device);
        _out = new Projection(config.DMlp, config.DModel, config.MlpBias, dtype, device);

        var shape = new HookShape(HookDim.Batch, HookDim.Position, config.DMlp);
        _hookPre = hooks.Create($"blocks.{layer}.mlp.hook_pre", shape);
        if (config.GatedMlp) _hookPreLinear = hooks.Create($"blocks.{layer}.mlp.hook_pre_linear", shape);
        _hookPost = hooks.Create($"blocks.{layer}.mlp.hook_post", shape);
        RegisterComponents();
    }

    /// <summary>First projection (the gate projection of gated MLPs).</summary>
    public Projection InProjection => _in;

    /// <summary>Up projection of gated MLPs, or null.</summary>
    public Projection? UpProjection => _up;

    /// <summary>Down projection back to d_model.</summary>
    public Projection OutProjection => _out;

    /// <summary>Applies the MLP to x [batch, pos, d_model].</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor pre = _hookPre.Run(_in.Forward(x));
        Tensor post = Activate(pre);
        if (_up is not null) post = post * _hookPreLinear!.Run(_up.Forward(x));
        post = _hookPost.Run(post);
        return _out.Forward(post).MoveToOuterDisposeScope();
    }

    private Tensor Activate(Tensor x) => _activation switch
    {
        ActivationKind.Gelu => nn.functional.gelu(x),
        ActivationKind.GeluTanh => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        ActivationKind.Silu => nn.functional.silu(x),
        ActivationKind.Relu => nn.functional.relu(x),
        _ => throw new InvalidOperationException($"unknown activation {_activation}"),
    };
}
