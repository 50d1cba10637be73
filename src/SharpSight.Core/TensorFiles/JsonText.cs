using System.Text.Json;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// Reads JSON strings and property names. JsonDocument accepts escaped lone surrogates ("\ud800") while
/// parsing but throws InvalidOperationException when the string is read; report them as file errors instead.
/// </summary>
internal static class JsonText
{
    /// <summary>The name of <paramref name="property"/>.</summary>
    public static string Name(JsonProperty property, string path, string where)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException error)
        {
            throw new TensorFileException(path, $"{where} has a key that is not valid Unicode (a lone surrogate escape)", error);
        }
    }

    /// <summary>The value of a string element.</summary>
    public static string String(JsonElement value, string path, string where)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException error)
        {
            throw new TensorFileException(path, $"{where} is a string that is not valid Unicode (a lone surrogate escape)", error);
        }
    }
}
