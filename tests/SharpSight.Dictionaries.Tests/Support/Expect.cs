using System.Globalization;

namespace SharpSight.Dictionaries.Tests.Support;

/// <summary>Comparisons of the library's float32 results with the float64 reference.</summary>
internal static class Expect
{
    /// <summary>|actual − expected| ≤ atol + rtol·|expected|.</summary>
    public static void Close(double expected, double actual, string what, double rtol = 1e-5, double atol = 1e-6)
    {
        if (!(Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected)))
            Assert.Fail($"{what}: expected {F(expected)}, got {F(actual)} (difference {F(actual - expected)})");
    }

    /// <summary>Element-wise |actual − expected| ≤ atol + rtol·max|expected| (tolerance relative to the array's scale).</summary>
    public static void Close(double[] expected, double[] actual, string what, double rtol = 1e-4, double atol = 1e-6)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        double tolerance = atol + rtol * scale;
        for (int j = 0; j < expected.Length; j++)
            if (!(Math.Abs(actual[j] - expected[j]) <= tolerance))
                Assert.Fail($"{what}[{j}]: expected {F(expected[j])}, got {F(actual[j])} (tolerance {F(tolerance)}); expected [{string.Join(", ", expected.Select(F))}], got [{string.Join(", ", actual.Select(F))}]");
    }

    /// <summary>Every expected gradient matches; the library has no trainable parameter the reference lacks.</summary>
    public static void Gradients(Dictionary<string, double[]> expected, Dictionary<string, double[]> actual, string what, double rtol = 1e-4, double atol = 1e-6)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string name, double[] values) in expected) Close(values, actual[name], $"{what}: ∂/∂{name}", rtol, atol);
    }

    private static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);
}
