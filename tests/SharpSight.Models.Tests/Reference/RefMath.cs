namespace SharpSight.Models.Tests.Reference;

/// Scalar / vector building blocks, written out step by step in double precision.
/// Each mirrors one piece of Hugging Face transformers' PyTorch code (see comments).
public static class RefMath
{
    // ---------------------------------------------------------------- norms

    /// torch.nn.LayerNorm over the last dim: (x - mean) / sqrt(var + eps) * w + b,
    /// var being the biased (population) variance.
    public static double[] LayerNorm(double[] x, double[] weight, double[] bias, double eps)
    {
        int n = x.Length;
        if (weight.Length != n || bias.Length != n) throw new ArgumentException("LayerNorm: size mismatch");
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) var += (x[i] - mean) * (x[i] - mean);
        var /= n;
        double inv = 1.0 / Math.Sqrt(var + eps);
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * weight[i] + bias[i];
        return y;
    }

    /// LlamaRMSNorm: x * rsqrt(mean(x^2) + eps) * w.
    /// With <paramref name="onePlusWeight"/> (GemmaRMSNorm / Gemma2RMSNorm): x * rsqrt(mean(x^2) + eps) * (1 + w).
    public static double[] RmsNorm(double[] x, double[] weight, double eps, bool onePlusWeight = false)
    {
        int n = x.Length;
        if (weight.Length != n) throw new ArgumentException("RmsNorm: size mismatch");
        double ms = 0;
        for (int i = 0; i < n; i++) ms += x[i] * x[i];
        ms /= n;
        double inv = 1.0 / Math.Sqrt(ms + eps);
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = x[i] * inv * (onePlusWeight ? 1.0 + weight[i] : weight[i]);
        return y;
    }

    // ---------------------------------------------------------------- activations (transformers/activations.py ACT2FN)

    public static double Activation(string name, double x) => name switch
    {
        // GELUActivation -> nn.functional.gelu (exact, erf based)
        "gelu" or "gelu_python" => 0.5 * x * (1.0 + Erf(x / Math.Sqrt(2.0))),
        // NewGELUActivation (GPT-2's "gelu_new"); PytorchGELUTanh / GELUTanh ("gelu_pytorch_tanh") is
        // nn.functional.gelu(approximate="tanh"), the same formula.
        "gelu_new" or "gelu_pytorch_tanh" => 0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x))),
        // FastGELUActivation
        "gelu_fast" => 0.5 * x * (1.0 + Math.Tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x))),
        "quick_gelu" => x * Sigmoid(1.702 * x),
        "relu" => Math.Max(0.0, x),
        "silu" or "swish" => x * Sigmoid(x),
        "tanh" => Math.Tanh(x),
        "sigmoid" => Sigmoid(x),
        "linear" => x,
        _ => throw new NotSupportedException($"activation '{name}' is not implemented by the reference"),
    };

    public static double Sigmoid(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    /// erf to ~1e-15 absolute: for |x| &lt; 3 the all-positive series
    /// erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)) (no cancellation);
    /// beyond, the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))).
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double ax = Math.Abs(x);
        double r;
        if (ax < 3.0)
        {
            double term = ax, sum = ax;
            for (int n = 1; n < 500; n++)
            {
                term *= 2 * ax * ax / (2 * n + 1);
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            r = 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-ax * ax) * sum;
        }
        else
        {
            double f = 0;
            for (int k = 60; k >= 1; k--) f = (k / 2.0) / (ax + f);
            r = 1.0 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }

    // ---------------------------------------------------------------- softmax / softcap

    /// Softmax of a row in which masked entries are double.NegativeInfinity (they get weight 0).
    public static double[] Softmax(double[] s)
    {
        double max = double.NegativeInfinity;
        foreach (var v in s) if (v > max) max = v;
        if (double.IsNegativeInfinity(max)) throw new InvalidOperationException("softmax over a fully masked row");
        var e = new double[s.Length];
        double sum = 0;
        for (int i = 0; i < s.Length; i++)
        {
            e[i] = double.IsNegativeInfinity(s[i]) ? 0.0 : Math.Exp(s[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < s.Length; i++) e[i] /= sum;
        return e;
    }

    /// Gemma-2 soft-capping: tanh(x / cap) * cap.
    public static double SoftCap(double x, double cap) => Math.Tanh(x / cap) * cap;

    // ---------------------------------------------------------------- rotary (modeling_rope_utils.py + rotate_half)

    /// _compute_default_rope_parameters: inv_freq[i] = 1 / theta^(2i / dim), i = 0 .. dim/2 - 1,
    /// dim being the number of rotated dims (int(head_dim * partial_rotary_factor)).
    public static double[] DefaultInvFreq(int rotaryDims, double theta)
    {
        if (rotaryDims <= 0 || rotaryDims % 2 != 0)
            throw new ArgumentException($"rotary dims must be positive and even, got {rotaryDims}");
        var inv = new double[rotaryDims / 2];
        for (int i = 0; i < inv.Length; i++) inv[i] = 1.0 / Math.Pow(theta, 2.0 * i / rotaryDims);
        return inv;
    }

    /// _compute_llama3_parameters: per frequency, with wavelen = 2*pi / inv_freq,
    ///   low_freq_wavelen = old_ctx / low_freq_factor, high_freq_wavelen = old_ctx / high_freq_factor;
    ///   wavelen &lt; high_freq_wavelen             -> unchanged (high frequency);
    ///   wavelen &gt; low_freq_wavelen              -> inv_freq / factor (low frequency);
    ///   otherwise (both boundaries included)    -> (1 - s) * inv_freq / factor + s * inv_freq,
    ///                                              s = (old_ctx / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor).
    public static double[] Llama3InvFreq(double[] invFreq, double factor, double lowFreqFactor, double highFreqFactor,
        double originalMaxPositions)
    {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        var r = new double[invFreq.Length];
        for (int i = 0; i < invFreq.Length; i++)
        {
            double f = invFreq[i];
            double wavelen = 2 * Math.PI / f;
            if (wavelen < highFreqWavelen) r[i] = f;
            else if (wavelen > lowFreqWavelen) r[i] = f / factor;
            else
            {
                double s = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                r[i] = (1 - s) * f / factor + s * f;
            }
        }
        return r;
    }

    /// HF rotary on one head vector at one position, "rotate half" (GPT-NeoX) convention, applied to the first
    /// 2 * invFreq.Length dims; the remaining dims pass through (GPT-NeoX partial rotary).
    /// With r = rotated dims, h = r / 2, a_i = position * invFreq[i]:
    ///   out[i]     = x[i] cos a_i - x[i + h] sin a_i
    ///   out[i + h] = x[i + h] cos a_i + x[i] sin a_i
    public static double[] ApplyRotary(double[] x, int position, double[] invFreq, double attentionScaling = 1.0)
    {
        int half = invFreq.Length, r = 2 * half;
        if (r > x.Length) throw new ArgumentException($"rotary dims {r} exceed head dim {x.Length}");
        var y = (double[])x.Clone();
        for (int i = 0; i < half; i++)
        {
            double a = position * invFreq[i];
            double c = Math.Cos(a) * attentionScaling, s = Math.Sin(a) * attentionScaling;
            y[i] = x[i] * c - x[i + half] * s;
            y[i + half] = x[i + half] * c + x[i] * s;
        }
        return y;
    }

    // ---------------------------------------------------------------- linear maps

    /// torch.nn.Linear: weight [out, in] (row-major), y[o] = sum_i W[o, i] x[i] + b[o].
    public static double[] Linear(double[] x, RefTensor weight, RefTensor? bias)
    {
        int outDim = weight.Shape[0], inDim = weight.Shape[1];
        if (x.Length != inDim) throw new ArgumentException($"Linear: input {x.Length} != in_features {inDim}");
        var y = new double[outDim];
        for (int o = 0; o < outDim; o++)
        {
            double acc = 0;
            int row = o * inDim;
            for (int i = 0; i < inDim; i++) acc += weight.Data[row + i] * x[i];
            y[o] = acc + (bias is null ? 0.0 : bias.Data[o]);
        }
        return y;
    }

    /// transformers.pytorch_utils.Conv1D (GPT-2): weight [in, out], y = x @ W + b.
    public static double[] Conv1D(double[] x, RefTensor weight, RefTensor bias)
    {
        int inDim = weight.Shape[0], outDim = weight.Shape[1];
        if (x.Length != inDim) throw new ArgumentException($"Conv1D: input {x.Length} != nx {inDim}");
        var y = new double[outDim];
        for (int o = 0; o < outDim; o++)
        {
            double acc = 0;
            for (int i = 0; i < inDim; i++) acc += x[i] * weight.Data[i * outDim + o];
            y[o] = acc + bias.Data[o];
        }
        return y;
    }
}
