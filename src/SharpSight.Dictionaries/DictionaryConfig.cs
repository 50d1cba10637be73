namespace SharpSight.Dictionaries;

/// <summary>How a dictionary turns pre-activations into features at inference time.</summary>
public enum DictionaryArchitecture
{
    /// <summary>f = ReLU(pre) (SAELens "standard"; trained with an L1 penalty or p-annealing).</summary>
    Relu,
    /// <summary>f keeps the k largest of ReLU(pre) per row (Gao et al.).</summary>
    TopK,
    /// <summary>
    /// Trained keeping the k·B largest of ReLU(pre) over a batch of B rows (Bussmann et al.); at inference
    /// f = pre·1[pre &gt; θ] with the learned threshold, so it is saved as JumpReLU. Matryoshka dictionaries are BatchTopK.
    /// </summary>
    BatchTopK,
    /// <summary>f = pre·1[pre &gt; θᵢ] with a learned threshold per feature (Rajamanoharan et al.).</summary>
    JumpRelu,
    /// <summary>Gated (Rajamanoharan et al.): a gate path decides which features fire, a magnitude path how strongly.</summary>
    Gated,
}

/// <summary>Where a dictionary's inputs came from (SAELens cfg.json "metadata").</summary>
public sealed record DictionaryMetadata
{
    /// <summary>Model the dictionary reads (a name or folder).</summary>
    public string? ModelName { get; init; }

    /// <summary>Hook point it reads, e.g. "blocks.3.hook_resid_post".</summary>
    public string? HookName { get; init; }

    /// <summary>Context length of the training sequences.</summary>
    public int? ContextSize { get; init; }

    /// <summary>Whether training sequences started with BOS.</summary>
    public bool? PrependBos { get; init; }

    /// <summary>The training data.</summary>
    public string? DatasetPath { get; init; }
}

/// <summary>The shape and kind of a sparse dictionary.</summary>
public sealed record DictionaryConfig
{
    /// <summary>Architecture.</summary>
    public required DictionaryArchitecture Architecture { get; init; }

    /// <summary>Size of the activations it reads (d_in).</summary>
    public required int InputSize { get; init; }

    /// <summary>Number of features (d_sae).</summary>
    public required int Width { get; init; }

    /// <summary>Features kept per row (TopK) or on average per row (BatchTopK).</summary>
    public int K { get; init; }

    /// <summary>Subtract the decoder bias from the input before encoding (SAELens apply_b_dec_to_input).</summary>
    public bool ApplyDecoderBiasToInput { get; init; } = true;

    /// <summary>Matryoshka group sizes (features per nested group, summing to <see cref="Width"/>); null for a plain dictionary.</summary>
    public IReadOnlyList<int>? MatryoshkaGroups { get; init; }

    /// <summary>Provenance.</summary>
    public DictionaryMetadata Metadata { get; init; } = new();

    /// <summary>Checks sizes and architecture-specific fields; throws with the field and value.</summary>
    public void Validate(string where = "dictionary config")
    {
        if (InputSize <= 0) throw new ArgumentException($"{where}: d_in must be positive, got {InputSize}");
        if (Width <= 0) throw new ArgumentException($"{where}: d_sae must be positive, got {Width}");
        if (Architecture is DictionaryArchitecture.TopK or DictionaryArchitecture.BatchTopK && (K <= 0 || K > Width))
            throw new ArgumentException($"{where}: k must lie in 1..{Width} for {Architecture}, got {K}");
        if (MatryoshkaGroups is { } groups)
        {
            if (Architecture != DictionaryArchitecture.BatchTopK)
                throw new ArgumentException($"{where}: Matryoshka groups need the BatchTopK architecture, got {Architecture}");
            if (groups.Count == 0 || groups.Any(g => g <= 0) || groups.Sum() != Width)
                throw new ArgumentException($"{where}: Matryoshka groups must be positive and sum to d_sae {Width}, got [{string.Join(", ", groups)}]");
        }
    }
}
