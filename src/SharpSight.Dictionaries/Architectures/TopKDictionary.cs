using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Architectures;

/// <summary>
/// TopK (Gao et al.): of ReLU(pre) only the k largest entries of each row are kept, so at most k features fire per input.
/// Its selection compares raw values across features, so it is trained with unit-norm decoder rows and its decoder norms
/// cannot be folded into the encoder without changing which features win.
/// </summary>
public sealed class TopKDictionary : SparseDictionary
{
    /// <summary>Creates a TopK dictionary with zero parameters.</summary>
    public TopKDictionary(DictionaryConfig config) : base(config)
    {
    }

    /// <summary>Features kept per row.</summary>
    public int K => Config.K;

    /// <inheritdoc />
    public override Tensor Encode(Tensor x) => KeepTopK(nn.functional.relu(PreActivations(x)), K);

    /// <summary>Zeroes all but the k largest entries along the last dimension (gradients flow to the kept ones).</summary>
    public static Tensor KeepTopK(Tensor values, int k)
    {
        (Tensor top, Tensor indices) = values.topk(k, dim: -1, sorted: false);
        using (top)
        using (indices)
            return zeros_like(values).scatter(-1, indices, top);
    }

    /// <inheritdoc />
    protected override void ScaleFeatures(Tensor scales)
    {
        using Tensor unit = (scales - 1).abs().max();
        if (unit.item<float>() > 1e-5f)
            throw new InvalidOperationException("a TopK dictionary's decoder norms cannot be folded: its top-k selection depends on each feature's scale " +
                "(train it with unit-norm decoder rows, as TopK trainers do)");
    }
}
