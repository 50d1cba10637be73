using SharpSight.Models.Architecture;
using static TorchSharp.torch;

namespace SharpSight.Models.Modules;

/// <summary>
/// Rotary position embeddings, rotate-half convention (GPT-NeoX, Llama, Gemma), on the first
/// <see cref="TransformerConfig.RotaryDim"/> dimensions of each head; the rest pass through.
/// Frequencies follow Hugging Face: float32 inverse frequencies base^(-2i/d), optionally rescaled
/// (llama3 or linear rope_scaling).
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly int _rotaryDim;
    private readonly float[] _inverseFrequencies;

    /// <summary>Prepares the frequencies for a config.</summary>
    public RotaryEmbedding(TransformerConfig config)
    {
        _rotaryDim = config.RotaryDim;
        _inverseFrequencies = InverseFrequencies(config.RotaryDim, config.RopeTheta, config.RopeScaling);
    }

    /// <summary>The float32 inverse frequencies, one per rotated pair.</summary>
    public IReadOnlyList<float> Frequencies => _inverseFrequencies;

    /// <summary>Base^(-2i/d) in float32, then the config's scaling, as Hugging Face computes them.</summary>
    public static float[] InverseFrequencies(int rotaryDim, double theta, RopeScaling? scaling)
    {
        var result = new float[rotaryDim / 2];
        for (int i = 0; i < result.Length; i++)
        {
            // HF: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), all in float32.
            float exponent = (float)(2 * i) / rotaryDim;
            result[i] = 1.0f / MathF.Pow((float)theta, exponent);
        }
        if (scaling is null) return result;
        return scaling.Kind switch
        {
            "linear" => result.Select(f => (float)(f / scaling.Factor)).ToArray(),
            "llama3" => Llama3Scaled(result, scaling),
            _ => throw new ArgumentException($"rope_scaling type '{scaling.Kind}' is not supported (supported: linear, llama3)"),
        };
    }

    // Llama 3.1: keep high frequencies, divide low frequencies by factor, interpolate smoothly between.
    private static float[] Llama3Scaled(float[] frequencies, RopeScaling scaling)
    {
        float factor = (float)scaling.Factor, low = (float)scaling.LowFreqFactor, high = (float)scaling.HighFreqFactor;
        float oldContext = scaling.OriginalMaxPositions;
        float lowFreqWavelength = oldContext / low;
        float highFreqWavelength = oldContext / high;
        var result = new float[frequencies.Length];
        for (int i = 0; i < frequencies.Length; i++)
        {
            float frequency = frequencies[i];
            float wavelength = 2 * MathF.PI / frequency;
            float scaled = wavelength > lowFreqWavelength ? frequency / factor : frequency;
            bool medium = !(wavelength < highFreqWavelength) && !(wavelength > lowFreqWavelength);
            if (medium)
            {
                float smooth = (oldContext / wavelength - low) / (high - low);
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            result[i] = scaled;
        }
        return result;
    }

    /// <summary>cos and sin tables [batch, pos, 1, rotary_dim] for integer positions [batch, pos].</summary>
    public (Tensor Cos, Tensor Sin) Tables(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        Tensor frequencies = tensor(_inverseFrequencies, device: positions.device);
        Tensor angles = positions.to(ScalarType.Float32).unsqueeze(-1) * frequencies; // [B, T, d/2]
        Tensor both = cat([angles, angles], -1).unsqueeze(2);                         // [B, T, 1, d]
        Tensor cos = both.cos().to(dtype), sin = both.sin().to(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x [batch, pos, heads, head_dim] by the tables from <see cref="Tables"/>.</summary>
    public Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long headDim = x.shape[^1];
        Tensor rotated = x.narrow(-1, 0, _rotaryDim);
        Tensor halfA = rotated.narrow(-1, 0, _rotaryDim / 2), halfB = rotated.narrow(-1, _rotaryDim / 2, _rotaryDim / 2);
        Tensor rotateHalf = cat([-halfB, halfA], -1);
        Tensor result = rotated * cos + rotateHalf * sin;
        if (_rotaryDim < headDim) result = cat([result, x.narrow(-1, _rotaryDim, headDim - _rotaryDim)], -1);
        return result.MoveToOuterDisposeScope();
    }
}
