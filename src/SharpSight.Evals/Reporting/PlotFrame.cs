namespace SharpSight.Evals.Reporting;

/// <summary>The rectangle inside an SVG where data is drawn.</summary>
internal readonly record struct PlotArea(double Left, double Top, double Width, double Height)
{
    /// <summary>The right edge.</summary>
    public double Right => Left + Width;

    /// <summary>The bottom edge.</summary>
    public double Bottom => Top + Height;
}

/// <summary>Draws a plot's frame: title, grid lines, ticks, tick labels and axis titles.</summary>
internal static class PlotFrame
{
    private const string GridColor = "#e4e4e4";
    private const string AxisColor = "#555";

    /// <summary>The title, centred above the area.</summary>
    public static void Title(SvgWriter svg, PlotArea area, string title, double size = 12) =>
        svg.Text(area.Left + area.Width / 2, area.Top - 10, title, size, "middle", bold: true);

    /// <summary>A vertical value axis on the left, with horizontal grid lines across the area.</summary>
    public static void YAxis(SvgWriter svg, PlotArea area, Axis y, string? title, double fontSize = 10)
    {
        foreach (double tick in y.MinorTicks)
        {
            double py = y.ToPixel(tick);
            svg.Line(area.Left - 3, py, area.Left, py, AxisColor, 0.8);
        }
        foreach (double tick in y.Ticks)
        {
            double py = y.ToPixel(tick);
            svg.Line(area.Left, py, area.Right, py, GridColor);
            svg.Line(area.Left - 5, py, area.Left, py, AxisColor);
            svg.Text(area.Left - 7, py + fontSize * 0.35, y.Label(tick), fontSize, "end");
        }
        svg.Line(area.Left, area.Top, area.Left, area.Bottom, AxisColor);
        if (title is not null) svg.Text(area.Left - 40, area.Top + area.Height / 2, title, fontSize + 1, "middle", rotate: -90);
    }

    /// <summary>A horizontal value axis at the bottom, with vertical grid lines across the area.</summary>
    public static void XAxis(SvgWriter svg, PlotArea area, Axis x, string? title, double fontSize = 10)
    {
        foreach (double tick in x.MinorTicks)
        {
            double px = x.ToPixel(tick);
            svg.Line(px, area.Bottom, px, area.Bottom + 3, AxisColor, 0.8);
        }
        foreach (double tick in x.Ticks)
        {
            double px = x.ToPixel(tick);
            svg.Line(px, area.Top, px, area.Bottom, GridColor);
            svg.Line(px, area.Bottom, px, area.Bottom + 5, AxisColor);
            svg.Text(px, area.Bottom + 7 + fontSize, x.Label(tick), fontSize, "middle");
        }
        svg.Line(area.Left, area.Bottom, area.Right, area.Bottom, AxisColor);
        if (title is not null) svg.Text(area.Left + area.Width / 2, area.Bottom + 2 * fontSize + 14, title, fontSize + 1, "middle");
    }
}
