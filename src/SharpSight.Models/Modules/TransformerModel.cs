using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// A decoder-only transformer language model of any supported family, with named hook points
/// (<see cref="Hooks"/>) at every internal activation. Numerics follow Hugging Face transformers;
/// nothing is folded or rearranged unless asked for.
/// </summary>
/// <remarks>
/// Parameters are created without gradients (requires_grad false): reading and editing activations,
/// and gradients with respect to them, need none. Enable them explicitly to fine-tune.
/// </remarks>
public sealed class TransformerModel : nn.Module
{
    [ComponentName(Name = "embed")] private readonly Embedding _embed;
    [ComponentName(Name = "pos_embed")] private readonly Embedding? _positionEmbed;
    [ComponentName(Name = "blocks")] private readonly ModuleList<TransformerBlock> _blocks;
    [ComponentName(Name = "ln_final")] private readonly Norm _lnFinal;
    [ComponentName(Name = "unembed")] private readonly Embedding? _unembed;   // null when tied to the embedding
    private readonly RotaryEmbedding? _rotary;
    private readonly HookPoint _hookEmbed, _hookLnFinal, _hookLogits;
    private readonly HookPoint? _hookPosEmbed;

    /// <summary>Allocates a model for <paramref name="config"/> with uninitialised weights.</summary>
    public TransformerModel(TransformerConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(TransformerModel))
    {
        config.Validate();
        Config = config;
        device ??= CPU;
        var resid = new HookShape(HookDim.Batch, HookDim.Position, config.DModel);
        _embed = new Embedding(config.VocabSize, config.DModel, dtype, device);
        _hookEmbed = Hooks.Create("hook_embed", resid);
        if (config.Positions == PositionKind.Learned)
        {
            _positionEmbed = new Embedding(config.MaxPositions, config.DModel, dtype, device);
            _hookPosEmbed = Hooks.Create("hook_pos_embed", resid);
        }
        else
        {
            _rotary = new RotaryEmbedding(config);
        }
        _blocks = new ModuleList<TransformerBlock>();
        for (int layer = 0; layer < config.Layers; layer++)
            _blocks.Add(new TransformerBlock(config, layer, _rotary, Hooks, dtype, device));
        _lnFinal = new Norm(config.Norm, config.DModel, config.NormEps, dtype, device);
        _hookLnFinal = Hooks.Create("ln_final.hook_normalized", resid);
        if (!config.TiedEmbeddings) _unembed = new Embedding(config.VocabSize, config.DModel, dtype, device);
        _hookLogits = Hooks.Create("hook_logits", new HookShape(HookDim.Batch, HookDim.Position, config.VocabSize));
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public TransformerConfig Config { get; }

    /// <summary>Every hook point, in forward order.</summary>
    public HookPointSet Hooks { get; } = new();

    /// <summary>Token embedding [vocab, d_model].</summary>
    public Embedding Embed => _embed;

    /// <summary>Learned position embedding [positions, d_model], or null for rotary models.</summary>
    public Embedding? PositionEmbed => _positionEmbed;

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<TransformerBlock> Blocks => [.. _blocks];

    /// <summary>Final norm.</summary>
    public Norm LnFinal => _lnFinal;

    /// <summary>Unembedding [vocab, d_model] (the embedding itself when tied).</summary>
    public Parameter UnembedWeight => _unembed?.Weight ?? _embed.Weight;

    /// <summary>Parameter dtype.</summary>
    public ScalarType DType => _embed.Weight.dtype;

    /// <summary>Parameter device.</summary>
    public Device Device => _embed.Weight.device;

    /// <summary>Number of distinct parameters (a tied unembedding counts once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Logits [batch, pos, vocab] for token ids [batch, pos] (or [pos]).
    /// </summary>
    /// <param name="inputIds">int64 token ids: the whole sequence, or with a <paramref name="cache"/> only the new tokens.</param>
    /// <param name="attentionMask">[batch, positions so far], 1 for real tokens and 0 for (left) padding; null = all real.
    /// With a cache it covers the cached and the new positions. Positions count real tokens only (as Hugging Face generate
    /// does), so a left-padded row gives the same logits at its real positions as the unpadded sequence.</param>
    /// <param name="cache">Keys and values of earlier positions, extended by this call; null to run without one.</param>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, KeyValueCache? cache = null)
    {
        using var scope = NewDisposeScope();
        Tensor ids = inputIds.dim() == 1 ? inputIds.unsqueeze(0) : inputIds;
        Tensor? mask = attentionMask is null ? null : (attentionMask.dim() == 1 ? attentionMask.unsqueeze(0) : attentionMask);
        long past = cache?.Length ?? 0;
        CheckInputs(ids, mask, past);
        long batch = ids.shape[0], length = ids.shape[1], total = past + length;

        Tensor positions = mask is null
            ? arange(past, total, device: ids.device).unsqueeze(0)
            : (mask.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0).narrow(1, past, length);

        Tensor x = _embed.Forward(ids);
        if (Config.EmbeddingMultiplier != 1.0)
            x = x * tensor(Config.EmbeddingMultiplier, x.dtype, x.device);   // rounded to the activation dtype, as in HF
        x = _hookEmbed.Run(x);
        if (_positionEmbed is not null) x = x + _hookPosEmbed!.Run(_positionEmbed.Forward(positions.expand(batch, length)));

        (Tensor? cos, Tensor? sin) = _rotary is null ? (null, null) : _rotary.Tables(positions, x.dtype);
        using var context = new AttentionContext(length, total, mask, cos, sin, cache, ids.device);
        foreach (TransformerBlock block in _blocks) x = block.Forward(x, context);
        Tensor logits = Head(x);
        return (inputIds.dim() == 1 ? logits.squeeze(0) : logits).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Logits [batch, pos, vocab] from a residual stream [batch, pos, d_model] as it leaves block <paramref name="layer"/>
    /// (the value of blocks.LAYER.hook_resid_post), running only the blocks after it and the head: what
    /// <see cref="Forward(Tensor, Tensor?, KeyValueCache?)"/> computes from that point for unpadded sequences without a
    /// cache. Hook points after it fire as usual. For evaluations that rerun the model many times with only that
    /// activation changed (a dictionary spliced in, an ablation), it skips the blocks before it.
    /// </summary>
    /// <exception cref="ArgumentException">The layer is not a block of this model, or the residual is not [batch, pos, d_model].</exception>
    public Tensor ForwardFromResidual(int layer, Tensor residual)
    {
        if (layer < 0 || layer >= _blocks.Count) throw new ArgumentException($"layer {layer} is not a block of this {_blocks.Count}-block model");
        if (residual.dim() != 3 || residual.shape[2] != Config.DModel)
            throw new ArgumentException($"the residual must be [batch, pos, {Config.DModel}], got [{string.Join(", ", residual.shape)}]");
        using var scope = NewDisposeScope();
        long length = residual.shape[1];
        Tensor positions = arange(0, length, device: residual.device).unsqueeze(0);
        (Tensor? cos, Tensor? sin) = _rotary is null ? (null, null) : _rotary.Tables(positions, residual.dtype);
        using var context = new AttentionContext(length, length, null, cos, sin, null, residual.device);
        Tensor x = residual;
        for (int next = layer + 1; next < _blocks.Count; next++) x = _blocks[next].Forward(x, context);
        return Head(x).MoveToOuterDisposeScope();
    }

    // Final norm, unembedding and softcap, with their hook points.
    private Tensor Head(Tensor x)
    {
        x = _hookLnFinal.Run(_lnFinal.Forward(x));
        Tensor logits = nn.functional.linear(x, UnembedWeight);
        if (Config.FinalLogitSoftcap is { } cap) logits = (logits / cap).tanh() * cap;
        return _hookLogits.Run(logits);
    }

    /// <summary>A cache sized for this model, for incremental decoding with <see cref="Forward(Tensor, Tensor?, KeyValueCache?)"/>.</summary>
    public KeyValueCache NewCache() => new(Config.Layers);

    /// <summary>Logits [pos, vocab] of one sequence of token ids.</summary>
    public Tensor Forward(IReadOnlyList<long> ids)
    {
        using Tensor input = tensor(ids.ToArray(), ScalarType.Int64, Device);
        return Forward(input);
    }

    private void CheckInputs(Tensor ids, Tensor? mask, long past)
    {
        if (ids.dim() != 2) throw new ArgumentException($"input ids must be [batch, pos] or [pos], got shape [{string.Join(", ", ids.shape)}]");
        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32)) throw new ArgumentException($"input ids must be int64, got {ids.dtype}");
        if (ids.shape[1] == 0) throw new ArgumentException("input ids are empty");
        long lowest = ids.min().item<long>(), highest = ids.max().item<long>();
        if (lowest < 0 || highest >= Config.VocabSize)
            throw new ArgumentException($"token id {(lowest < 0 ? lowest : highest)} is outside the vocabulary [0, {Config.VocabSize})");
        if (_positionEmbed is not null && past + ids.shape[1] > Config.MaxPositions)
            throw new ArgumentException($"sequence of {past + ids.shape[1]} tokens exceeds the model's {Config.MaxPositions} positions");
        if (mask is not null)
        {
            long[] expected = [ids.shape[0], past + ids.shape[1]];
            if (!expected.SequenceEqual(mask.shape))
                throw new ArgumentException($"attention mask shape [{string.Join(", ", mask.shape)}] should be [{string.Join(", ", expected)}] (batch, cached + new positions)");
        }
    }
}
