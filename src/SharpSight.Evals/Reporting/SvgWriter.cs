using System.Globalization;
using System.Text;

namespace SharpSight.Evals.Reporting;

/// <summary>
/// Writes one inline SVG element (no XML declaration, no namespace URL, no ids, so many can share a page) with
/// coordinates rounded to 0.01 px in the invariant culture and every text escaped.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _svg = new();

    /// <summary>Starts an SVG of the given size.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="label">What the picture shows, for screen readers.</param>
    /// <param name="cssClass">A class for the element, or null.</param>
    public SvgWriter(double width, double height, string label, string? cssClass = null)
    {
        _svg.Append("<svg width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
            .Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
            .Append("\" role=\"img\" aria-label=\"").Append(Html.Escape(label)).Append('"');
        if (cssClass is not null) _svg.Append(" class=\"").Append(Html.Escape(cssClass)).Append('"');
        _svg.Append('>');
    }

    /// <summary>A coordinate or length: rounded to 0.01, invariant, no "-0".</summary>
    public static string N(double value)
    {
        double rounded = Math.Round(value, 2);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>A straight line.</summary>
    public SvgWriter Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null, string? title = null)
    {
        _svg.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2))
            .Append("\" y2=\"").Append(N(y2)).Append("\" stroke=\"").Append(Html.Escape(stroke))
            .Append("\" stroke-width=\"").Append(N(width)).Append('"');
        if (dash is not null) _svg.Append(" stroke-dasharray=\"").Append(Html.Escape(dash)).Append('"');
        return Close("line", title);
    }

    /// <summary>A rectangle.</summary>
    public SvgWriter Rect(double x, double y, double width, double height, string fill, string? stroke = null, double strokeWidth = 1,
        string? title = null, string? cssClass = null, double opacity = 1)
    {
        _svg.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(Math.Max(0, width)))
            .Append("\" height=\"").Append(N(Math.Max(0, height))).Append('"');
        Paint(fill, stroke, strokeWidth, cssClass, opacity);
        return Close("rect", title);
    }

    /// <summary>A circle.</summary>
    public SvgWriter Circle(double cx, double cy, double r, string fill, string? stroke = null, double strokeWidth = 1,
        string? title = null, string? cssClass = null, double opacity = 1)
    {
        _svg.Append("<circle cx=\"").Append(N(cx)).Append("\" cy=\"").Append(N(cy)).Append("\" r=\"").Append(N(r)).Append('"');
        Paint(fill, stroke, strokeWidth, cssClass, opacity);
        return Close("circle", title);
    }

    /// <summary>A circle painted by the page's stylesheet through its class alone (no paint attributes, no tooltip): compact for
    /// the many discs of board diagrams.</summary>
    public SvgWriter StyledCircle(double cx, double cy, double r, string cssClass)
    {
        _svg.Append("<circle cx=\"").Append(N(cx)).Append("\" cy=\"").Append(N(cy)).Append("\" r=\"").Append(N(r))
            .Append("\" class=\"").Append(cssClass).Append("\"/>");
        return this;
    }

    /// <summary>A path (the data is ours, built from numbers).</summary>
    public SvgWriter Path(string data, string fill, string? stroke = null, double strokeWidth = 1, string? title = null, double opacity = 1)
    {
        _svg.Append("<path d=\"").Append(Html.Escape(data)).Append('"');
        Paint(fill, stroke, strokeWidth, null, opacity);
        return Close("path", title);
    }

    /// <summary>A line of text.</summary>
    /// <param name="x">Anchor x.</param>
    /// <param name="y">Baseline y.</param>
    /// <param name="text">The text (escaped here).</param>
    /// <param name="size">Font size in pixels.</param>
    /// <param name="anchor">"start", "middle" or "end".</param>
    /// <param name="rotate">Rotation in degrees about the anchor point.</param>
    /// <param name="fill">Text colour.</param>
    /// <param name="bold">Bold text.</param>
    /// <param name="cssClass">A class, or null.</param>
    public SvgWriter Text(double x, double y, string text, double size = 11, string anchor = "start", double rotate = 0,
        string fill = "#222", bool bold = false, string? cssClass = null)
    {
        _svg.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" font-size=\"").Append(N(size))
            .Append("\" text-anchor=\"").Append(anchor).Append("\" fill=\"").Append(Html.Escape(fill)).Append('"');
        if (rotate != 0) _svg.Append(" transform=\"rotate(").Append(N(rotate)).Append(' ').Append(N(x)).Append(' ').Append(N(y)).Append(")\"");
        if (bold) _svg.Append(" font-weight=\"bold\"");
        if (cssClass is not null) _svg.Append(" class=\"").Append(Html.Escape(cssClass)).Append('"');
        _svg.Append('>').Append(Html.Escape(text)).Append("</text>");
        return this;
    }

    /// <summary>Opens a group translated to (x, y), with a tooltip; close it with <see cref="EndGroup"/>.</summary>
    public SvgWriter BeginGroup(double x, double y, string? cssClass = null, string? title = null)
    {
        _svg.Append("<g");
        if (cssClass is not null) _svg.Append(" class=\"").Append(Html.Escape(cssClass)).Append('"');
        _svg.Append(" transform=\"translate(").Append(N(x)).Append(' ').Append(N(y)).Append(")\">");
        if (title is not null) _svg.Append("<title>").Append(Html.Escape(title)).Append("</title>");
        return this;
    }

    /// <summary>Closes the group opened last.</summary>
    public SvgWriter EndGroup()
    {
        _svg.Append("</g>");
        return this;
    }

    /// <summary>Closes the SVG and returns its markup.</summary>
    public override string ToString() => _svg.ToString() + "</svg>";

    private void Paint(string fill, string? stroke, double strokeWidth, string? cssClass, double opacity)
    {
        _svg.Append(" fill=\"").Append(Html.Escape(fill)).Append('"');
        if (stroke is not null) _svg.Append(" stroke=\"").Append(Html.Escape(stroke)).Append("\" stroke-width=\"").Append(N(strokeWidth)).Append('"');
        if (opacity < 1) _svg.Append(" opacity=\"").Append(N(opacity)).Append('"');
        if (cssClass is not null) _svg.Append(" class=\"").Append(Html.Escape(cssClass)).Append('"');
    }

    // Tooltips are <title> children; elements without one are self-closed.
    private SvgWriter Close(string element, string? title)
    {
        if (title is null) _svg.Append("/>");
        else _svg.Append("><title>").Append(Html.Escape(title)).Append("</title></").Append(element).Append('>');
        return this;
    }
}
