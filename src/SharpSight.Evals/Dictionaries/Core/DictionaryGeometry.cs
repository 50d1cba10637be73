using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Architectures;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// SAEBench's weight-based feature metrics (computed in float64; encoder directions are the columns of W_enc [d_in, d_sae],
/// decoder directions the rows of W_dec [d_sae, d_in]):
/// <list type="bullet">
/// <item><c>encoder_bias</c>: b_enc[i]; for Gated, which has no b_enc, its magnitude-path bias b_mag[i] (what SAEBench
/// reports for gated SAEs); 0 for a dictionary with neither.</item>
/// <item><c>encoder_norm</c>: ‖W_enc[:, i]‖.</item>
/// <item><c>encoder_decoder_cosine_sim</c>: cos(W_enc[:, i], W_dec[i, :]).</item>
/// <item><c>max_encoder_cosine_sim</c>, <c>max_decoder_cosine_sim</c>: max over the other features j ≠ i of the cosine
/// similarity of the directions, computed a chunk of features at a time so the F × F matrix is never held
/// (NaN with a single feature).</item>
/// <item><c>average_max_*_cosine_sim</c>: the mean of those maxima over all features.</item>
/// </list>
/// A zero direction is left at zero when normalised (norm clamped at 1e-12, as torch's normalize), so its cosines are 0.
/// </summary>
public static class DictionaryGeometry
{
    /// <summary>The weight-based metrics of every feature of <paramref name="dictionary"/>.</summary>
    public static FeatureGeometry Measure(SparseDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor encoder = dictionary.EncoderWeight.detach().cpu().to(ScalarType.Float64).t();   // [F, d_in]
        Tensor decoder = dictionary.DecoderWeight.detach().cpu().to(ScalarType.Float64);       // [F, d_in]
        Tensor? bias = dictionary is GatedDictionary gated ? gated.MagnitudeBias : dictionary.EncoderBias;
        double[] encoderBias = bias is null ? new double[dictionary.Width] : Values(bias.detach().cpu().to(ScalarType.Float64));
        Tensor encoderNorms = encoder.square().sum(1L).sqrt();
        Tensor pairCosines = (Normalize(encoder) * Normalize(decoder)).sum(1L);
        return new FeatureGeometry(encoderBias, Values(encoderNorms), Values(pairCosines),
            MaxCosineSimilarityToOthers(encoder), MaxCosineSimilarityToOthers(decoder));
    }

    /// <summary>
    /// For each row i of <paramref name="directions"/> [F, d], the largest cosine similarity with any other row (NaN when
    /// F = 1), computed <paramref name="chunk"/> rows at a time.
    /// </summary>
    public static double[] MaxCosineSimilarityToOthers(Tensor directions, int chunk = 512)
    {
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.dim() != 2) throw new ArgumentException($"directions must be [features, d], got [{string.Join(", ", directions.shape)}]", nameof(directions));
        if (chunk <= 0) throw new ArgumentException($"chunk must be positive, got {chunk}", nameof(chunk));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor unit = Normalize(directions.detach().cpu().to(ScalarType.Float64));
        long count = unit.shape[0];
        var maxima = new double[count];
        for (long start = 0; start < count; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long length = Math.Min(chunk, count - start);
            Tensor similarities = matmul(unit.narrow(0, start, length), unit.t());   // [length, F]
            // A feature is not its own neighbour.
            Tensor self = arange(start, start + length, dtype: ScalarType.Int64).unsqueeze(1);
            similarities.scatter_(1, self, full([length, 1], double.NegativeInfinity, ScalarType.Float64));
            double[] chunkMaxima = Values(similarities.amax([1L]));
            Array.Copy(chunkMaxima, 0, maxima, start, length);
        }
        return [.. maxima.Select(m => double.IsNegativeInfinity(m) ? double.NaN : m)];
    }

    private static Tensor Normalize(Tensor rows) => rows / rows.square().sum([1L], keepdim: true).sqrt().clamp_min(1e-12);

    private static double[] Values(Tensor vector) => vector.contiguous().data<double>().ToArray();
}
