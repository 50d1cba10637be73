using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training;

/// <summary>The geometric median of points (the point minimising the summed Euclidean distance), by Weiszfeld's iteration.</summary>
public static class GeometricMedian
{
    /// <summary>The geometric median of the rows of <paramref name="points"/> [n, d], starting from their mean.</summary>
    /// <param name="points">The points.</param>
    /// <param name="iterations">At most this many Weiszfeld steps.</param>
    /// <param name="tolerance">Stop when the estimate moves less than this.</param>
    public static Tensor Of(Tensor points, int iterations = 100, double tolerance = 1e-5)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = points.detach().to(ScalarType.Float64);
        Tensor guess = x.mean([0L]);
        for (int i = 0; i < iterations; i++)
        {
            // Each point weighs 1/distance; the clamp keeps a point that coincides with the estimate from dividing by zero.
            Tensor weights = 1 / (x - guess).norm(1).clamp_min(1e-12);
            // 0L, not 0: a literal 0 binds to sum(ScalarType? type), i.e. a total sum in uint8, not a sum over dim 0.
            Tensor next = (weights.unsqueeze(1) * x).sum(0L) / weights.sum();
            bool done = (next - guess).norm().item<double>() < tolerance;
            guess = next;
            if (done) break;
        }
        return guess.to(points.dtype).MoveToOuterDisposeScope();
    }
}
