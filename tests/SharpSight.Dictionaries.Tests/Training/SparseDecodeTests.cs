using SharpSight.Dictionaries.Training;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Tests.Training;

public class SparseDecodeTests
{
    [Theory]
    [InlineData(13, 4, 50, 19)]     // a width that is not a multiple of the vector size, repeated features
    [InlineData(64, 32, 300, 64)]
    [InlineData(1, 1, 1, 1)]
    public void The_kernels_match_the_gathered_product_in_float64_values_and_gradients(int batch, int k, int width, int d)
    {
        using var generator = new Generator(17);
        using Tensor values = randn([batch, k], generator: generator), weight = randn([width, d], generator: generator);
        using Tensor indices = randint(width, [batch, k], generator: generator), probe = randn([batch, d], generator: generator);

        using Tensor v32 = values.clone().requires_grad_(true), w32 = weight.clone().requires_grad_(true);
        using Tensor out32 = SparseDecode.Apply(v32, indices, w32);
        (out32 * probe).sum().backward();

        using Tensor v64 = values.to(ScalarType.Float64).requires_grad_(true), w64 = weight.to(ScalarType.Float64).requires_grad_(true);
        using Tensor out64 = SparseDecode.Apply(v64, indices, w64);
        (out64 * probe.to(ScalarType.Float64)).sum().backward();

        Assert.True(out32.to(ScalarType.Float64).allclose(out64, rtol: 1e-5, atol: 1e-5));
        Assert.True(v32.grad!.to(ScalarType.Float64).allclose(v64.grad!, rtol: 1e-5, atol: 1e-5));
        Assert.True(w32.grad!.to(ScalarType.Float64).allclose(w64.grad!, rtol: 1e-5, atol: 1e-5));
        // An independent check of one entry: out[0] = Σⱼ values[0, j] · weight[indices[0, j]].
        double expected = Enumerable.Range(0, k).Sum(j => values[0, j].item<float>() * (double)weight[indices[0, j].item<long>(), 0].item<float>());
        Assert.Equal(expected, out32[0, 0].item<float>(), 4);
    }

    [Fact]
    public void An_index_outside_the_weight_is_refused()
    {
        using Tensor values = ones(2, 2), weight = ones(5, 3), indices = tensor(new long[] { 0, 1, 2, 5 }, [2, 2]);
        Assert.Contains("outside 0..4", Assert.Throws<ArgumentException>(() => SparseDecode.Apply(values, indices, weight)).Message);
    }
}
