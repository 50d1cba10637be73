namespace SharpSight.Models.Architecture;

/// <summary>How a block normalises its inputs.</summary>
public enum NormKind
{
    /// <summary>LayerNorm with weight and bias (GPT-2, GPT-NeoX).</summary>
    LayerNorm,
    /// <summary>RMSNorm computed in float32, scaled by weight (Llama family).</summary>
    RmsNorm,
    /// <summary>RMSNorm computed in float32, scaled by (1 + weight) (Gemma).</summary>
    RmsNormOffsetOne,
}

/// <summary>The MLP non-linearity.</summary>
public enum ActivationKind
{
    /// <summary>Exact (erf) GELU.</summary>
    Gelu,
    /// <summary>Tanh-approximated GELU (gelu_new, gelu_pytorch_tanh, gelu_fast).</summary>
    GeluTanh,
    /// <summary>SiLU / swish.</summary>
    Silu,
    /// <summary>ReLU.</summary>
    Relu,
}

/// <summary>How positions enter the model.</summary>
public enum PositionKind
{
    /// <summary>A learned position-embedding table added to the token embeddings (GPT-2).</summary>
    Learned,
    /// <summary>Rotary embeddings applied to queries and keys (rotate-half convention).</summary>
    Rotary,
}

/// <summary>
/// Rotary frequency scaling from a config's rope_scaling field. <see cref="Kind"/> is "llama3" or "linear".
/// </summary>
public sealed record RopeScaling(
    string Kind,
    double Factor,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositions = 8192);

/// <summary>
/// A family-neutral description of a decoder-only transformer: everything the forward pass needs.
/// Families (<see cref="Families.IModelFamily"/>) translate Hugging Face config.json files into it.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>The Hugging Face model_type this came from (gpt2, gpt_neox, llama, mistral, qwen2, gemma2).</summary>
    public required string ModelType { get; init; }
    /// <summary>Vocabulary size (rows of the embedding and unembedding).</summary>
    public required int VocabSize { get; init; }
    /// <summary>Residual stream width.</summary>
    public required int DModel { get; init; }
    /// <summary>Number of transformer blocks.</summary>
    public required int Layers { get; init; }
    /// <summary>Query heads per block.</summary>
    public required int Heads { get; init; }
    /// <summary>Key/value heads per block (fewer than <see cref="Heads"/> under grouped-query attention).</summary>
    public required int KeyValueHeads { get; init; }
    /// <summary>Width of one attention head.</summary>
    public required int HeadDim { get; init; }
    /// <summary>MLP hidden width.</summary>
    public required int DMlp { get; init; }
    /// <summary>Longest sequence the model was trained for (size of the learned position table, if any).</summary>
    public required int MaxPositions { get; init; }
    /// <summary>Normalisation used everywhere in the model.</summary>
    public required NormKind Norm { get; init; }
    /// <summary>Epsilon of every norm.</summary>
    public required double NormEps { get; init; }
    /// <summary>MLP activation.</summary>
    public required ActivationKind Activation { get; init; }
    /// <summary>Whether the MLP is gated (down(act(gate(x)) * up(x))).</summary>
    public required bool GatedMlp { get; init; }
    /// <summary>Positional scheme.</summary>
    public required PositionKind Positions { get; init; }
    /// <summary>Leading dimensions of each head that are rotated (rotary only; equals HeadDim unless partial rotary).</summary>
    public int RotaryDim { get; init; }
    /// <summary>Rotary base (rope_theta).</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>Optional rotary frequency scaling.</summary>
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>Attention and MLP read the same residual and are added together (GPT-NeoX use_parallel_residual).</summary>
    public bool ParallelResidual { get; init; }
    /// <summary>Unembedding shares the embedding matrix.</summary>
    public bool TiedEmbeddings { get; init; }
    /// <summary>Query/key/value projections have biases.</summary>
    public bool QkvBias { get; init; }
    /// <summary>Attention output projection has a bias.</summary>
    public bool AttentionOutBias { get; init; }
    /// <summary>MLP projections have biases.</summary>
    public bool MlpBias { get; init; }
    /// <summary>Multiplier on token embeddings before the first block (Gemma: sqrt(d_model)); 1 for none.</summary>
    public double EmbeddingMultiplier { get; init; } = 1.0;
    /// <summary>Multiplier on query·key scores; usually 1/sqrt(head_dim).</summary>
    public required double AttentionScale { get; init; }
    /// <summary>Divide scores of block L additionally by L+1 (GPT-2 scale_attn_by_inverse_layer_idx).</summary>
    public bool ScaleAttentionByInverseLayer { get; init; }
    /// <summary>tanh soft-capping of attention scores (Gemma-2), or null.</summary>
    public double? AttentionSoftcap { get; init; }
    /// <summary>tanh soft-capping of final logits (Gemma-2), or null.</summary>
    public double? FinalLogitSoftcap { get; init; }
    /// <summary>Norms after attention and after the MLP, before the residual add (Gemma-2).</summary>
    public bool PostSublayerNorms { get; init; }
    /// <summary>Sliding attention window per layer (null = full attention). Query i sees key j iff i - window &lt; j &lt;= i.</summary>
    public required IReadOnlyList<int?> SlidingWindows { get; init; }

    /// <summary>Query heads that share one key/value head.</summary>
    public int QueriesPerKeyValue => Heads / KeyValueHeads;

    /// <summary>Checks the internal consistency of the numbers; throws <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}");
        }
        Positive(VocabSize, "vocab_size");
        Positive(DModel, "hidden_size");
        Positive(Layers, "num_hidden_layers");
        Positive(Heads, "num_attention_heads");
        Positive(KeyValueHeads, "num_key_value_heads");
        Positive(HeadDim, "head_dim");
        Positive(DMlp, "intermediate_size");
        Positive(MaxPositions, "max_position_embeddings");
        if (Heads % KeyValueHeads != 0)
            throw new ArgumentException($"num_attention_heads ({Heads}) must be a multiple of num_key_value_heads ({KeyValueHeads})");
        if (Positions == PositionKind.Rotary && (RotaryDim <= 0 || RotaryDim > HeadDim || RotaryDim % 2 != 0))
            throw new ArgumentException($"rotary dimension must be even and in 1..head_dim ({HeadDim}), got {RotaryDim}");
        if (SlidingWindows.Count != Layers)
            throw new ArgumentException($"sliding windows given for {SlidingWindows.Count} layers, model has {Layers}");
        if (SlidingWindows.Any(w => w is <= 0))
            throw new ArgumentException("sliding_window must be positive");
        if (!(NormEps > 0)) throw new ArgumentException($"norm epsilon must be positive, got {NormEps}");
    }
}
