using System.Globalization;

namespace SharpSight.Games.Chess.Engines;

/// <summary>An option an engine declared in its "option name … type …" line.</summary>
/// <param name="Name">The option's name ("Skill Level").</param>
/// <param name="Type">check, spin, combo, button or string.</param>
/// <param name="Min">The smallest value of a spin option.</param>
/// <param name="Max">The largest value of a spin option.</param>
public sealed record UciOption(string Name, string Type, long? Min, long? Max)
{
    /// <summary>Parses "option name Skill Level type spin default 20 min 0 max 20"; null for another line.</summary>
    public static UciOption? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        const string prefix = "option name ";
        int type = line.IndexOf(" type ", StringComparison.Ordinal);
        if (!line.StartsWith(prefix, StringComparison.Ordinal) || type < prefix.Length) return null;
        string[] words = line[(type + 6)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return null;
        return new UciOption(line[prefix.Length..type].Trim(), words[0], Number(words, "min"), Number(words, "max"));
    }

    private static long? Number(string[] words, string key)
    {
        int i = Array.IndexOf(words, key);
        return i >= 0 && i + 1 < words.Length && long.TryParse(words[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null;
    }

    /// <summary>Checks a value against the option's type and range.</summary>
    /// <exception cref="ArgumentException">A spin value that is not an integer in min..max, or a check value other than true/false.</exception>
    public void Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Type == "spin")
        {
            if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                throw new ArgumentException($"engine option '{Name}' takes an integer, got '{value}'");
            if (v < (Min ?? long.MinValue) || v > (Max ?? long.MaxValue))
                throw new ArgumentException($"engine option '{Name}' is {Min}..{Max}, got {v}");
        }
        else if (Type == "check" && value is not ("true" or "false"))
            throw new ArgumentException($"engine option '{Name}' is true or false, got '{value}'");
    }
}
