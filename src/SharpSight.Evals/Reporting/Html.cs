using System.Globalization;
using System.Text;

namespace SharpSight.Evals.Reporting;

/// <summary>Escaping and number formatting for the report (invariant culture; missing values as an em dash).</summary>
internal static class Html
{
    /// <summary>Shown for a value that is missing.</summary>
    public const string Missing = "—";

    /// <summary>Text escaped for element content and quoted attribute values.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // Control characters are not allowed in XML-compatible output; show them as a replacement mark.
                _ when char.IsControl(c) && c is not '\n' and not '\t' => "\uFFFD",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }

    /// <summary>A number with a fixed count of decimals, or <see cref="Missing"/>.</summary>
    public static string Number(double? value, int decimals = 3) =>
        value is { } x && double.IsFinite(x) ? x.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : Missing;

    /// <summary>A group's display name ("(no group)" for files without sae_lens_release_id).</summary>
    public static string GroupName(string group) => group.Length == 0 ? "(no group)" : group;

    /// <summary>A whole number, or <see cref="Missing"/>.</summary>
    public static string Integer(long? value) => value is { } x ? x.ToString(CultureInfo.InvariantCulture) : Missing;
}
