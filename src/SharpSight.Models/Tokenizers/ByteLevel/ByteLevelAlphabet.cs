using System.Text;

namespace SharpSight.Models.Tokenizers.ByteLevel;

/// <summary>
/// GPT-2's reversible byte ↔ character table (<c>bytes_to_unicode</c> in OpenAI's encoder.py, <c>bytes_char</c> in
/// Hugging Face tokenizers). Printable bytes <c>!</c>..<c>~</c>, <c>¡</c>..<c>¬</c> and <c>®</c>..<c>ÿ</c> stand for
/// themselves; the other 68 bytes map in order to U+0100.. (so the space byte 0x20 is <c>Ġ</c> and 0x0A is <c>Ċ</c>).
/// Byte-level BPE vocabularies spell every token in these characters.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToCharTable = BuildTable();
    private static readonly short[] CharToByteTable = BuildReverse(ByteToCharTable);

    private static char[] BuildTable()
    {
        var table = new char[256];
        var assigned = new bool[256];
        for (int b = '!'; b <= '~'; b++) { table[b] = (char)b; assigned[b] = true; }
        for (int b = 0xA1; b <= 0xAC; b++) { table[b] = (char)b; assigned[b] = true; }
        for (int b = 0xAE; b <= 0xFF; b++) { table[b] = (char)b; assigned[b] = true; }
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!assigned[b]) table[b] = (char)(256 + n++);
        }
        return table;
    }

    private static short[] BuildReverse(char[] table)
    {
        // Every mapped character is below U+0144.
        var reverse = new short[0x144];
        Array.Fill(reverse, (short)-1);
        for (int b = 0; b < 256; b++) reverse[table[b]] = (short)b;
        return reverse;
    }

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ByteToChar(byte value) => ByteToCharTable[value];

    /// <summary>The byte a character stands for; false when the character is not in the alphabet (e.g. a plain space).</summary>
    public static bool TryCharToByte(char c, out byte value)
    {
        if (c < CharToByteTable.Length && CharToByteTable[c] >= 0)
        {
            value = (byte)CharToByteTable[c];
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>Spells bytes in the alphabet, one character per byte.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (span, data) =>
        {
            for (int i = 0; i < data.Length; i++) span[i] = ByteToCharTable[data[i]];
        });
    }

    /// <summary>Spells the UTF-8 bytes of <paramref name="text"/> in the alphabet ("Hello world" → "HelloĠworld").</summary>
    public static string EncodeText(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Appends the bytes a token stands for. As Hugging Face's ByteLevel decoder does, a token with any character outside
    /// the alphabet (an added token such as a run of plain spaces) contributes its own UTF-8 bytes instead.
    /// </summary>
    public static void AppendTokenBytes(string token, List<byte> output)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(output);
        foreach (char c in token)
        {
            if (!TryCharToByte(c, out _))
            {
                output.AddRange(Encoding.UTF8.GetBytes(token));
                return;
            }
        }
        foreach (char c in token)
        {
            TryCharToByte(c, out byte b);
            output.Add(b);
        }
    }

    /// <summary>
    /// Decodes the alphabet spelling of a byte sequence to text; byte sequences that are not valid UTF-8 become U+FFFD,
    /// one per maximal invalid subpart, as Rust's <c>String::from_utf8_lossy</c> (Hugging Face) and Python's
    /// <c>errors="replace"</c> do.
    /// </summary>
    public static string DecodeText(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var bytes = new List<byte>();
        foreach (string token in tokens) AppendTokenBytes(token, bytes);
        return Utf8Lossy(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>UTF-8 to text with U+FFFD for each maximal invalid subpart (the Unicode "best practice" .NET also follows).</summary>
    internal static string Utf8Lossy(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
