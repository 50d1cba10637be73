namespace SharpSight.Tracing.Api;

/// <summary>
/// One input of a trace (one or more token sequences), with its hook points by name or through typed accessors:
/// <c>input.Blocks[3].ResidPost</c>, <c>input.Blocks[3].Attn.Pattern.Heads(5)</c>, <c>input.Logits</c>.
/// </summary>
public sealed class TraceInput
{
    internal TraceInput(Trace trace, int index, IReadOnlyList<long[]> sequences)
    {
        Trace = trace;
        Index = index;
        Sequences = sequences;
        Blocks = Enumerable.Range(0, trace.Model.Config.Layers).Select(layer => new BlockRef(this, layer)).ToArray();
    }

    /// <summary>The trace.</summary>
    public Trace Trace { get; }

    /// <summary>Position of this input in the trace.</summary>
    public int Index { get; }

    /// <summary>Its token sequences.</summary>
    public IReadOnlyList<long[]> Sequences { get; }

    /// <summary>Any hook point by name.</summary>
    public HookRef Hook(string name) => new(this, name);

    /// <summary>The blocks.</summary>
    public IReadOnlyList<BlockRef> Blocks { get; }

    /// <summary>hook_embed.</summary>
    public HookRef Embed => Hook("hook_embed");

    /// <summary>ln_final.hook_normalized.</summary>
    public HookRef LnFinal => Hook("ln_final.hook_normalized");

    /// <summary>hook_logits.</summary>
    public HookRef Logits => Hook("hook_logits");
}

/// <summary>The hook points of one block.</summary>
public sealed class BlockRef(TraceInput input, int layer)
{
    private HookRef H(string name) => input.Hook($"blocks.{layer}.{name}");

    /// <summary>blocks.L.hook_resid_pre.</summary>
    public HookRef ResidPre => H("hook_resid_pre");
    /// <summary>blocks.L.hook_resid_mid.</summary>
    public HookRef ResidMid => H("hook_resid_mid");
    /// <summary>blocks.L.hook_resid_post.</summary>
    public HookRef ResidPost => H("hook_resid_post");
    /// <summary>blocks.L.hook_attn_out.</summary>
    public HookRef AttnOut => H("hook_attn_out");
    /// <summary>blocks.L.hook_mlp_out.</summary>
    public HookRef MlpOut => H("hook_mlp_out");
    /// <summary>blocks.L.ln1.hook_normalized.</summary>
    public HookRef Ln1 => H("ln1.hook_normalized");
    /// <summary>blocks.L.ln2.hook_normalized.</summary>
    public HookRef Ln2 => H("ln2.hook_normalized");
    /// <summary>The attention hook points.</summary>
    public AttentionRef Attn => new(input, layer);
    /// <summary>The MLP hook points.</summary>
    public MlpRef Mlp => new(input, layer);
}

/// <summary>The hook points of one attention layer.</summary>
public sealed class AttentionRef(TraceInput input, int layer)
{
    private HookRef H(string name) => input.Hook($"blocks.{layer}.attn.{name}");

    /// <summary>Queries [seq, pos, heads, head_dim] (before rotary).</summary>
    public HookRef Q => H("hook_q");
    /// <summary>Keys.</summary>
    public HookRef K => H("hook_k");
    /// <summary>Values.</summary>
    public HookRef V => H("hook_v");
    /// <summary>Scaled, masked scores [seq, heads, query_pos, key_pos].</summary>
    public HookRef Scores => H("hook_attn_scores");
    /// <summary>Attention pattern.</summary>
    public HookRef Pattern => H("hook_pattern");
    /// <summary>Per-head outputs before the output projection.</summary>
    public HookRef Z => H("hook_z");
}

/// <summary>The hook points of one MLP.</summary>
public sealed class MlpRef(TraceInput input, int layer)
{
    private HookRef H(string name) => input.Hook($"blocks.{layer}.mlp.{name}");

    /// <summary>Pre-activation (gate projection in gated MLPs).</summary>
    public HookRef Pre => H("hook_pre");
    /// <summary>After the activation.</summary>
    public HookRef Post => H("hook_post");
}
