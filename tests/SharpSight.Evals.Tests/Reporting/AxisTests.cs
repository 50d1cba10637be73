using SharpSight.Evals.Reporting;

namespace SharpSight.Evals.Tests.Reporting;

public sealed class AxisTests
{
    [Theory]
    // range 0.3 / 4 = 0.075 → step 0.1; limits already on the step stay put.
    [InlineData(0.6, 0.9, new[] { 0.6, 0.7, 0.8, 0.9 }, new[] { "0.6", "0.7", "0.8", "0.9" })]
    // 1 / 4 = 0.25 → step 2.5 × 0.1, labelled with two decimals.
    [InlineData(0.0, 1.0, new[] { 0.0, 0.25, 0.5, 0.75, 1.0 }, new[] { "0.00", "0.25", "0.50", "0.75", "1.00" })]
    // 0.55 / 4 = 0.1375 → step 0.2; 0.95 rounds out to 1.0.
    [InlineData(0.4, 0.95, new[] { 0.4, 0.6, 0.8, 1.0 }, new[] { "0.4", "0.6", "0.8", "1.0" })]
    // 87 / 4 = 21.75 → step 25 (whole numbers, so no decimals); -13 rounds out to -25.
    [InlineData(-13.0, 74.0, new[] { -25.0, 0.0, 25.0, 50.0, 75.0 }, new[] { "-25", "0", "25", "50", "75" })]
    // A single value gets 10% either side: [1.8, 2.2] → 0.1 steps.
    [InlineData(2.0, 2.0, new[] { 1.8, 1.9, 2.0, 2.1, 2.2 }, new[] { "1.8", "1.9", "2.0", "2.1", "2.2" })]
    public void Linear_axes_round_out_to_nice_ticks(double min, double max, double[] ticks, string[] labels)
    {
        Axis axis = Axis.Linear(min, max, 0, 100);
        Assert.Equal(ticks, axis.Ticks);
        Assert.Equal(labels, axis.Ticks.Select(axis.Label));
        Assert.Equal((ticks[0], ticks[^1]), (axis.Min, axis.Max));
    }

    [Fact]
    public void Linear_mapping_is_affine_from_pixel_at_min_to_pixel_at_max()
    {
        // A y axis: value 0 at the bottom pixel 300, value 1 at the top pixel 100.
        Axis axis = Axis.Linear(0, 1, 300, 100);
        Assert.Equal(300, axis.ToPixel(0), 9);
        Assert.Equal(100, axis.ToPixel(1), 9);
        Assert.Equal(250, axis.ToPixel(0.25), 9);
        Assert.Equal(340, axis.ToPixel(-0.2), 9);
    }

    [Fact]
    public void Log_axes_span_whole_decades_with_minor_ticks()
    {
        Axis axis = Axis.Log10(3, 700, 100, 400);
        Assert.Equal([1.0, 10.0, 100.0, 1000.0], axis.Ticks);
        Assert.Equal(["1", "10", "100", "1000"], axis.Ticks.Select(axis.Label));
        Assert.Equal(24, axis.MinorTicks.Count);
        // Three decades over 300 px: 100 px each; 3 sits log10(3) of a decade in.
        Assert.Equal(200, axis.ToPixel(10), 9);
        Assert.Equal(100 + 100 * Math.Log10(3), axis.ToPixel(3), 9);
        Assert.Equal(350, axis.ToPixel(Math.Sqrt(10) * 100), 9);
    }

    [Fact]
    public void A_log_axis_within_one_decade_also_labels_2_and_5()
    {
        Axis axis = Axis.Log10(12, 64, 0, 100);
        Assert.Equal([10.0, 20.0, 50.0, 100.0], axis.Ticks);
        Assert.Equal([30.0, 40.0, 60.0, 70.0, 80.0, 90.0], axis.MinorTicks.Select(t => Math.Round(t, 9)));
        // Values that are exact powers of ten stay on the limits instead of opening a new decade.
        Assert.Equal([10.0, 20.0, 50.0, 100.0], Axis.Log10(10, 100, 0, 1).Ticks);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 5.0)]
    [InlineData(5.0, 4.0)]
    public void A_log_axis_needs_a_positive_range(double min, double max) =>
        Assert.Throws<ArgumentException>(() => Axis.Log10(min, max, 0, 1));
}
