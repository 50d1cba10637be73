namespace SharpSight.Evals.Dictionaries.Core;

/// <summary>
/// SAEBench's weight-based per-feature metrics of a dictionary (see <see cref="DictionaryGeometry"/> for the definitions).
/// Each list has one entry per feature.
/// </summary>
/// <param name="EncoderBias">encoder_bias: b_enc, b_mag for Gated.</param>
/// <param name="EncoderNorm">encoder_norm: ‖W_enc[:, i]‖.</param>
/// <param name="EncoderDecoderCosineSimilarity">encoder_decoder_cosine_sim: cos(W_enc[:, i], W_dec[i, :]).</param>
/// <param name="MaxEncoderCosineSimilarity">max_encoder_cosine_sim: max over j ≠ i of cos(W_enc[:, i], W_enc[:, j]).</param>
/// <param name="MaxDecoderCosineSimilarity">max_decoder_cosine_sim: max over j ≠ i of cos(W_dec[i, :], W_dec[j, :]).</param>
public sealed record FeatureGeometry(
    IReadOnlyList<double> EncoderBias,
    IReadOnlyList<double> EncoderNorm,
    IReadOnlyList<double> EncoderDecoderCosineSimilarity,
    IReadOnlyList<double> MaxEncoderCosineSimilarity,
    IReadOnlyList<double> MaxDecoderCosineSimilarity)
{
    /// <summary>average_max_encoder_cosine_sim: mean of <see cref="MaxEncoderCosineSimilarity"/> over all features.</summary>
    public double AverageMaxEncoderCosineSimilarity => MaxEncoderCosineSimilarity.Average();

    /// <summary>average_max_decoder_cosine_sim: mean of <see cref="MaxDecoderCosineSimilarity"/> over all features.</summary>
    public double AverageMaxDecoderCosineSimilarity => MaxDecoderCosineSimilarity.Average();
}
