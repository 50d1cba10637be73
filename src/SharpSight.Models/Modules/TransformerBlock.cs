using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// One residual block: resid_mid = resid_pre + attn(ln1(resid_pre)); resid_post = resid_mid + mlp(ln2(·)),
/// where the MLP reads resid_mid (sequential) or resid_pre (parallel residual, GPT-NeoX). Gemma-2 adds
/// norms on both sublayer outputs before they join the residual stream.
/// </summary>
public sealed class TransformerBlock : nn.Module
{
    [ComponentName(Name = "ln1")] private readonly Norm _ln1;
    [ComponentName(Name = "attn")] private readonly Attention _attention;
    [ComponentName(Name = "ln1_post")] private readonly Norm? _ln1Post;
    [ComponentName(Name = "ln2")] private readonly Norm _ln2;
    [ComponentName(Name = "mlp")] private readonly Mlp _mlp;
    [ComponentName(Name = "ln2_post")] private readonly Norm? _ln2Post;
    private readonly bool _parallel;
    private readonly HookPoint _hookResidPre, _hookLn1, _hookAttnOut, _hookResidMid, _hookLn2, _hookMlpOut, _hookResidPost;

    /// <summary>Creates block <paramref name="layer"/> with uninitialised weights.</summary>
    public TransformerBlock(TransformerConfig config, int layer, RotaryEmbedding? rotary, HookPointSet hooks, ScalarType dtype, Device device)
        : base(nameof(TransformerBlock))
    {
        _parallel = config.ParallelResidual;
        string p = $"blocks.{layer}.";
        var resid = new HookShape(HookDim.Batch, HookDim.Position, config.DModel);
        _hookResidPre = hooks.Create(p + "hook_resid_pre", resid);
        _hookLn1 = hooks.Create(p + "ln1.hook_normalized", resid);
        _ln1 = new Norm(config.Norm, config.DModel, config.NormEps, dtype, device);
        _attention = new Attention(config, layer, rotary, hooks, dtype, device);
        if (config.PostSublayerNorms) _ln1Post = new Norm(config.Norm, config.DModel, config.NormEps, dtype, device);
        _hookAttnOut = hooks.Create(p + "hook_attn_out", resid);
        _hookResidMid = hooks.Create(p + "hook_resid_mid", resid);
        _hookLn2 = hooks.Create(p + "ln2.hook_normalized", resid);
        _ln2 = new Norm(config.Norm, config.DModel, config.NormEps, dtype, device);
        _mlp = new Mlp(config, layer, hooks, dtype, device);
        if (config.PostSublayerNorms) _ln2Post = new Norm(config.Norm, config.DModel, config.NormEps, dtype, device);
        _hookMlpOut = hooks.Create(p + "hook_mlp_out", resid);
        _hookResidPost = hooks.Create(p + "hook_resid_post", resid);
        RegisterComponents();
    }

    /// <summary>Norm before attention.</summary>
    public Norm Ln1 => _ln1;
    /// <summary>The attention sublayer.</summary>
    public Attention Attention => _attention;
    /// <summary>Norm on the attention output (Gemma-2), or null.</summary>
    public Norm? Ln1Post => _ln1Post;
    /// <summary>Norm before the MLP.</summary>
    public Norm Ln2 => _ln2;
    /// <summary>The MLP sublayer.</summary>
    public Mlp Mlp => _mlp;
    /// <summary>Norm on the MLP output (Gemma-2), or null.</summary>
    public Norm? Ln2Post => _ln2Post;

    /// <summary>Runs the block on the residual stream x [batch, pos, d_model].</summary>
    public Tensor Forward(Tensor x, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        Tensor residPre = _hookResidPre.Run(x);
        Tensor attnOut = _attention.Forward(_hookLn1.Run(_ln1.Forward(residPre)), context);
        if (_ln1Post is not null) attnOut = _ln1Post.Forward(attnOut);
        attnOut = _hookAttnOut.Run(attnOut);
        Tensor residMid = _hookResidMid.Run(residPre + attnOut);

        // Parallel residual: the MLP reads the block input, not resid_mid (resid_mid is still resid_pre + attn_out).
        Tensor mlpIn = _hookLn2.Run(_ln2.Forward(_parallel ? residPre : residMid));
        Tensor mlpOut = _mlp.Forward(mlpIn);
        if (_ln2Post is not null) mlpOut = _ln2Post.Forward(mlpOut);
        mlpOut = _hookMlpOut.Run(mlpOut);
        return _hookResidPost.Run(residMid + mlpOut).MoveToOuterDisposeScope();
    }
}
