using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Architectures;

/// <summary>The standard sparse autoencoder: f = ReLU((x − b_dec) W_enc + b_enc).</summary>
public sealed class ReluDictionary : SparseDictionary
{
    /// <summary>Creates a ReLU dictionary with zero parameters.</summary>
    public ReluDictionary(DictionaryConfig config) : base(config)
    {
    }

    /// <inheritdoc />
    public override Tensor Encode(Tensor x) => nn.functional.relu(PreActivations(x));
}
