namespace SharpSight.Dictionaries.Tests.Reference;

/// <summary>The point minimising Σ‖xᵢ − m‖, found by brute force: a pattern search over all 3ᵈ − 1 neighbour directions with a shrinking step.</summary>
internal static class RefGeometricMedian
{
    public static double Objective(double[][] points, double[] m) =>
        points.Sum(point => Math.Sqrt(point.Select((v, d) => (v - m[d]) * (v - m[d])).Sum()));

    public static double[] Minimise(double[][] points)
    {
        int dims = points[0].Length;
        double[] best = [.. Enumerable.Range(0, dims).Select(d => points.Average(p => p[d]))];
        double bestValue = Objective(points, best);
        int[][] directions = [.. Enumerable.Range(0, (int)Math.Pow(3, dims))
            .Select(code => Enumerable.Range(0, dims).Select(d => code / (int)Math.Pow(3, d) % 3 - 1).ToArray())
            .Where(direction => direction.Any(v => v != 0))];
        for (double step = 1; step > 1e-12;)
        {
            bool moved = false;
            foreach (int[] direction in directions)
            {
                double[] candidate = [.. best.Select((v, d) => v + step * direction[d])];
                double value = Objective(points, candidate);
                if (value < bestValue)
                {
                    (best, bestValue, moved) = (candidate, value, true);
                }
            }
            if (!moved) step /= 2;
        }
        return best;
    }
}
