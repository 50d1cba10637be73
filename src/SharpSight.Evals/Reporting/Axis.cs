using System.Globalization;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// A numeric axis: a domain widened to "nice" round limits, its tick values and labels, and the mapping from values to
/// pixels. Linear axes step by 1, 2, 2.5 or 5 times a power of ten; log axes by decades.
/// </summary>
internal sealed class Axis
{
    private Axis(double min, double max, bool isLog, double pixelAtMin, double pixelAtMax, double[] ticks, double[] minorTicks, int decimals)
    {
        Min = min;
        Max = max;
        IsLog = isLog;
        PixelAtMin = pixelAtMin;
        PixelAtMax = pixelAtMax;
        Ticks = ticks;
        MinorTicks = minorTicks;
        _decimals = decimals;
    }

    private readonly int _decimals;

    /// <summary>The lower limit of the domain.</summary>
    public double Min { get; }

    /// <summary>The upper limit of the domain.</summary>
    public double Max { get; }

    /// <summary>Whether values are placed by their base-10 logarithm.</summary>
    public bool IsLog { get; }

    /// <summary>The pixel of <see cref="Min"/> (for a y axis, the bottom).</summary>
    public double PixelAtMin { get; }

    /// <summary>The pixel of <see cref="Max"/>.</summary>
    public double PixelAtMax { get; }

    /// <summary>Labelled tick values, increasing, from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Unlabelled tick values (log axes: 2..9 times each decade).</summary>
    public IReadOnlyList<double> MinorTicks { get; }

    /// <summary>The pixel of a value (values outside the domain map outside the pixel range).</summary>
    public double ToPixel(double value)
    {
        double t = IsLog
            ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);
        return PixelAtMin + t * (PixelAtMax - PixelAtMin);
    }

    /// <summary>A tick's label.</summary>
    public string Label(double tick) => IsLog
        ? tick.ToString("G6", CultureInfo.InvariantCulture)
        : tick.ToString("F" + _decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A linear axis over round limits that cover [dataMin, dataMax].</summary>
    /// <param name="dataMin">The smallest value to show.</param>
    /// <param name="dataMax">The largest value to show.</param>
    /// <param name="pixelAtMin">The pixel of the lower limit.</param>
    /// <param name="pixelAtMax">The pixel of the upper limit.</param>
    /// <param name="targetTicks">About how many labelled ticks to aim for.</param>
    public static Axis Linear(double dataMin, double dataMax, double pixelAtMin, double pixelAtMax, int targetTicks = 5)
    {
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax) || dataMin > dataMax)
            throw new ArgumentException($"axis range [{dataMin}, {dataMax}] is not a finite interval", nameof(dataMin));
        if (dataMin == dataMax)
        {
            // A single value gets a little room either side so it is not drawn on the frame.
            double pad = dataMin == 0 ? 1 : Math.Abs(dataMin) * 0.1;
            (dataMin, dataMax) = (dataMin - pad, dataMax + pad);
        }
        double step = NiceStep((dataMax - dataMin) / Math.Max(1, targetTicks - 1));
        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9) + (IsQuarterStep(step) ? 1 : 0));
        // Small tolerances keep a limit that is already a multiple of the step from growing by one step through rounding.
        long first = (long)Math.Floor(dataMin / step + 1e-9);
        long last = (long)Math.Ceiling(dataMax / step - 1e-9);
        double[] ticks = Enumerable.Range(0, (int)(last - first) + 1).Select(i => Math.Round((first + i) * step, decimals + 6)).ToArray();
        return new Axis(ticks[0], ticks[^1], isLog: false, pixelAtMin, pixelAtMax, ticks, [], decimals);
    }

    /// <summary>A base-10 log axis over whole decades that cover [dataMin, dataMax] (both positive).</summary>
    /// <param name="dataMin">The smallest value to show, above 0.</param>
    /// <param name="dataMax">The largest value to show.</param>
    /// <param name="pixelAtMin">The pixel of the lower limit.</param>
    /// <param name="pixelAtMax">The pixel of the upper limit.</param>
    public static Axis Log10(double dataMin, double dataMax, double pixelAtMin, double pixelAtMax)
    {
        if (!(dataMin > 0) || !double.IsFinite(dataMax) || dataMin > dataMax)
            throw new ArgumentException($"log axis range [{dataMin}, {dataMax}] is not a positive finite interval", nameof(dataMin));
        int low = (int)Math.Floor(Math.Log10(dataMin) + 1e-9);
        int high = (int)Math.Ceiling(Math.Log10(dataMax) - 1e-9);
        if (high == low) high++;
        var ticks = new List<double>();
        var minor = new List<double>();
        for (int decade = low; decade <= high; decade++)
        {
            double power = Math.Pow(10, decade);
            ticks.Add(power);
            if (decade == high) break;
            for (int m = 2; m <= 9; m++) minor.Add(m * power);
        }
        // One decade alone has too few labels to read a value off: label 2 and 5 within it too.
        if (high - low == 1)
        {
            double power = Math.Pow(10, low);
            ticks.InsertRange(1, [2 * power, 5 * power]);
            minor.RemoveAll(m => m == 2 * power || m == 5 * power);
        }
        return new Axis(Math.Pow(10, low), Math.Pow(10, high), isLog: true, pixelAtMin, pixelAtMax, ticks.ToArray(), minor.ToArray(), 0);
    }

    // The smallest of 1, 2, 2.5, 5, 10 times a power of ten that is at least the raw step.
    private static double NiceStep(double raw)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 2.5 + 1e-9 ? 2.5 : fraction <= 5 + 1e-9 ? 5 : 10;
        return nice * power;
    }

    private static bool IsQuarterStep(double step)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        return Math.Abs(step / power - 2.5) < 1e-6;
    }
}
