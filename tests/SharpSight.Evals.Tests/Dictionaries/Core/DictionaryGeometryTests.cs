using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Architectures;
using SharpSight.Evals.Dictionaries.Core;
using static SharpSight.Evals.Tests.Dictionaries.Core.PlainReference;
using static TorchSharp.torch;

namespace SharpSight.Evals.Tests.Dictionaries.Core;

public class DictionaryGeometryTests
{
    // Four decoder directions in 3-d: cos(0,1) = 1/√2, cos(2,3) = 3/√10, cos(1,3) = −1/√20, the rest 0.
    private static readonly double[][] Decoder = [[1, 0, 0], [2, 2, 0], [0, 0, -1], [0, -1, -3]];

    private static Tensor Matrix(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);

    [Fact]
    public void The_maxima_leave_out_each_feature_itself_and_have_their_hand_values()
    {
        using var scope = NewDisposeScope();
        double[] expected = [1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 3 / Math.Sqrt(10), 3 / Math.Sqrt(10)];
        foreach (int chunk in new[] { 1, 3, 512 })
        {
            double[] maxima = DictionaryGeometry.MaxCosineSimilarityToOthers(Matrix(Decoder), chunk);
            for (int i = 0; i < 4; i++) Close(expected[i], maxima[i], 1e-12);
        }
    }

    [Fact]
    public void Chunked_maxima_match_all_pairs_on_random_directions()
    {
        using var scope = NewDisposeScope();
        Tensor directions = randn([50, 8], generator: new Generator(5), dtype: ScalarType.Float64);
        double[][] rows = [.. Enumerable.Range(0, 50).Select(i => directions[i].data<double>().ToArray())];
        double[] expected = MaxCosineToOthers(rows);
        double[] actual = DictionaryGeometry.MaxCosineSimilarityToOthers(directions, chunk: 7);
        for (int i = 0; i < 50; i++) Close(expected[i], actual[i], 1e-12);
    }

    [Fact]
    public void A_single_feature_has_no_neighbour()
    {
        using var scope = NewDisposeScope();
        Assert.True(double.IsNaN(DictionaryGeometry.MaxCosineSimilarityToOthers(ones(1, 3)).Single()));
    }

    [Fact]
    public void Per_feature_encoder_values_read_the_columns_of_W_enc()
    {
        // W_enc [d_in = 3, d_sae = 4]: feature i is column i.
        double[][] encoder = [[1, 0, 2, 0], [0, 3, 0, -1], [1, 4, 0, 1]];
        double[] bias = [0.5, -1, 0, 2];
        using var dictionary = new ReluDictionary(new DictionaryConfig { Architecture = DictionaryArchitecture.Relu, InputSize = 3, Width = 4 });
        using (no_grad())
        {
            dictionary.EncoderWeight.copy_(Matrix(encoder));
            dictionary.DecoderWeight.copy_(Matrix(Decoder));
            dictionary.EncoderBias!.copy_(tensor(bias));
        }
        FeatureGeometry geometry = DictionaryGeometry.Measure(dictionary);

        double[][] columns = [.. Enumerable.Range(0, 4).Select(i => encoder.Select(row => row[i]).ToArray())];
        for (int i = 0; i < 4; i++)
        {
            Close(bias[i], geometry.EncoderBias[i]);
            Close(Norm(columns[i]), geometry.EncoderNorm[i], 1e-7);
            Close(Dot(columns[i], Decoder[i]) / (Norm(columns[i]) * Norm(Decoder[i])), geometry.EncoderDecoderCosineSimilarity[i], 1e-6);
        }
        double[] maxEncoder = MaxCosineToOthers(columns), maxDecoder = MaxCosineToOthers(Decoder);
        for (int i = 0; i < 4; i++)
        {
            Close(maxEncoder[i], geometry.MaxEncoderCosineSimilarity[i], 1e-6);
            Close(maxDecoder[i], geometry.MaxDecoderCosineSimilarity[i], 1e-6);
        }
        Close(maxEncoder.Average(), geometry.AverageMaxEncoderCosineSimilarity, 1e-6);
        Close(maxDecoder.Average(), geometry.AverageMaxDecoderCosineSimilarity, 1e-6);
    }

    [Fact]
    public void A_gated_dictionary_reports_its_magnitude_bias()
    {
        using var dictionary = new GatedDictionary(new DictionaryConfig { Architecture = DictionaryArchitecture.Gated, InputSize = 3, Width = 2 });
        using (no_grad())
        {
            dictionary.GateBias.copy_(tensor(new float[] { 5, 6 }));
            dictionary.MagnitudeBias.copy_(tensor(new float[] { -0.25f, 0.75f }));
        }
        Assert.Equal([-0.25, 0.75], DictionaryGeometry.Measure(dictionary).EncoderBias);
    }
}
