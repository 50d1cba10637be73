using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// Multi-head causal self-attention with grouped-query heads, optional rotary embeddings, sliding
/// windows and score soft-capping. Query, key and value projections are stored fused as one
/// [(heads + 2 kv_heads) * head_dim, d_model] matrix (queries, then keys, then values).
/// </summary>
public sealed class Attention : nn.Module
{
    [ComponentName(Name = "qkv")] private readonly Projection _qkv;
    [ComponentName(Name = "out")] private readonly Projection _out;
    private readonly TransformerConfig _config;
    private readonly RotaryEmbedding? _rotary;
    private readonly double _scale;
    private readonly int? _window;
    private readonly int _layer;
    private readonly HookPoint _hookQ, _hookK, _hookV, _hookRotQ, _hookRotK, _hookScores, _hookPattern, _hookZ;

    /// <summary>Creates the attention of block <paramref name="layer"/> with uninitialised weights.</summary>
    public Attention(TransformerConfig config, int layer, RotaryEmbedding? rotary, HookPointSet hooks, ScalarType dtype, Device device)
        : base(nameof(Attention))
    {
        _config = config;
        _rotary = rotary;
        _window = config.SlidingWindows[layer];
        _layer = layer;
        _scale = config.AttentionScale / (config.ScaleAttentionByInverseLayer ? layer + 1 : 1);
        int qkvWidth = (config.Heads + 2 * config.KeyValueHeads) * config.HeadDim;
        _qkv = new Projection(config.DModel, qkvWidth, config.QkvBias, dtype, device);
        _out = new Projection(config.Heads * config.HeadDim, config.DModel, config.AttentionOutBias, dtype, device);

        string p = $"blocks.{layer}.attn.";
        var heads = new HookShape(HookDim.Batch, HookDim.Position, config.Heads, config.HeadDim);
        var kvHeads = new HookShape(HookDim.Batch, HookDim.Position, config.KeyValueHeads, config.HeadDim);
        var square = new HookShape(HookDim.Batch, config.Heads, HookDim.QueryPosition, HookDim.KeyPosition);
        _hookQ = hooks.Create(p + "hook_q", heads);
        _hookK = hooks.Create(p + "hook_k", kvHeads);
        _hookV = hooks.Create(p + "hook_v", kvHeads);
        _hookRotQ = rotary is null ? null! : hooks.Create(p + "hook_rot_q", heads);
        _hookRotK = rotary is null ? null! : hooks.Create(p + "hook_rot_k", kvHeads);
        _hookScores = hooks.Create(p + "hook_attn_scores", square);
        _hookPattern = hooks.Create(p + "hook_pattern", square);
        _hookZ = hooks.Create(p + "hook_z", heads);
        RegisterComponents();
    }

    /// <summary>Fused query/key/value projection.</summary>
    public Projection QkvProjection => _qkv;

    /// <summary>Output projection.</summary>
    public Projection OutProjection => _out;

    /// <summary>Attends over x [batch, pos, d_model]; returns [batch, pos, d_model].</summary>
    public Tensor Forward(Tensor x, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1];
        int heads = _config.Heads, kvHeads = _config.KeyValueHeads, headDim = _config.HeadDim;

        Tensor[] parts = _qkv.Forward(x).split([heads * headDim, kvHeads * headDim, kvHeads * headDim], -1);
        Tensor q = _hookQ.Run(parts[0].view(batch, length, heads, headDim));
        Tensor k = _hookK.Run(parts[1].view(batch, length, kvHeads, headDim));
        Tensor v = _hookV.Run(parts[2].view(batch, length, kvHeads, headDim));
        if (_rotary is not null)
        {
            q = _hookRotQ.Run(_rotary.Apply(q, context.RotaryCos!, context.RotarySin!));
            k = _hookRotK.Run(_rotary.Apply(k, context.RotaryCos!, context.RotarySin!));
        }

        // [batch, heads, pos, head_dim]; each kv head serves QueriesPerKeyValue consecutive query heads.
        q = q.transpose(1, 2);
        k = k.transpose(1, 2);
        v = v.transpose(1, 2);
        if (context.Cache is not null) (k, v) = context.Cache.Append(_layer, k, v);
        if (kvHeads != heads)
        {
            k = k.repeat_interleave(_config.QueriesPerKeyValue, 1);
            v = v.repeat_interleave(_config.QueriesPerKeyValue, 1);
        }

        Tensor z = NeedsExplicitScores ? ExplicitAttention(q, k, v, context) : FusedAttention(q, k, v, context);
        z = _hookZ.Run(z.transpose(1, 2));                                  // [batch, pos, heads, head_dim]
        Tensor output = _out.Forward(z.reshape(batch, length, heads * headDim));
        return output.MoveToOuterDisposeScope();
    }

    // Scores must be materialised when something reads or edits them, or when they are soft-capped.
    private bool NeedsExplicitScores => _config.AttentionSoftcap is not null || _hookScores.IsActive || _hookPattern.IsActive;

    private Tensor ExplicitAttention(Tensor q, Tensor k, Tensor v, AttentionContext context)
    {
        Tensor scores = matmul(q, k.transpose(-1, -2)) * _scale;
        if (_config.AttentionSoftcap is { } cap) scores = (scores / cap).tanh() * cap;
        scores = scores.masked_fill(context.Mask(_window).logical_not(), double.NegativeInfinity);
        scores = _hookScores.Run(scores);
        Tensor pattern = _hookPattern.Run(scores.softmax(-1, Norm.Accumulation(q.dtype)).to(q.dtype));
        return matmul(pattern, v);
    }

    private Tensor FusedAttention(Tensor q, Tensor k, Tensor v, AttentionContext context)
    {
        // The fused kernel divides by sqrt(head_dim); fold any other scale into the queries.
        double correction = _scale * Math.Sqrt(_config.HeadDim);
        if (Math.Abs(correction - 1.0) > 1e-12) q = q * correction;
        if (context.IsPurelyCausal(_window)) return nn.functional.scaled_dot_product_attention(q, k, v, null, 0.0, true);
        if (context.SeesEverything(_window)) return nn.functional.scaled_dot_product_attention(q, k, v, null, 0.0, false);
        return nn.functional.scaled_dot_product_attention(q, k, v, context.Mask(_window), 0.0, false);
    }
}
