namespace SharpSight.Games.Chess;

/// <summary>
/// The character vocabulary of the chess-GPT transcripts (Karvonen 2024): 32 characters in ASCII order, one token per
/// character of ";1.e4 e5 2.Nf3 …". Id = position in <see cref="Characters"/>: ' ' = 0, '#' = 1, '+' = 2, '-' = 3,
/// '.' = 4, '0'..'9' = 5..14, ';' = 15, '=' = 16, 'B' 'K' 'N' 'O' 'Q' 'R' = 17..22, 'a'..'h' = 23..30, 'x' = 31.
/// </summary>
public static class ChessVocabulary
{
    /// <summary>Every character the transcripts use, in id order.</summary>
    public const string Characters = " #+-.0123456789;=BKNOQRabcdefghx";

    /// <summary>Number of ids.</summary>
    public const int Size = 32;

    /// <summary>The ids of a transcript; a character outside the vocabulary is an error naming it and its position.</summary>
    public static int[] Encode(string transcript)
    {
        var ids = new int[transcript.Length];
        for (int i = 0; i < transcript.Length; i++)
        {
            int id = Characters.IndexOf(transcript[i], StringComparison.Ordinal);
            ids[i] = id >= 0 ? id : throw new GameRecordException($"transcript, character {i}: '{transcript[i]}' is not in the chess vocabulary \"{Characters}\"");
        }
        return ids;
    }

    /// <summary>The transcript text of ids.</summary>
    public static string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        for (int i = 0; i < ids.Length; i++)
            chars[i] = ids[i] is >= 0 and < Size ? Characters[ids[i]] : throw new GameRecordException($"tokens, position {i}: id {ids[i]} is outside 0..{Size - 1}");
        return new string(chars);
    }

    /// <summary>
    /// The transcript of a game and, for every character, the position the model has seen when reading it: the position
    /// after every move whose text ends before that character. The ';' and the first move's characters map to the start;
    /// the space after "1.e4" maps to the position after e4.
    /// </summary>
    public static (string Transcript, Position[] StateAtCharacter) WithStates(Position start, IReadOnlyList<Move> moves)
    {
        var text = new System.Text.StringBuilder(";");
        var states = new List<Position> { start };
        Position position = start;
        int ply = 0;
        foreach (string token in Pgn.MovetextTokens(start, moves, spaceAfterNumber: false))
        {
            if (ply > 0)
            {
                text.Append(' ');
                states.Add(position);            // the space: the previous move has been read whole
            }
            text.Append(token);
            for (int i = 0; i < token.Length; i++) states.Add(position);   // inside a move: not yet complete
            position = position.Play(moves[ply++]);
        }
        return (text.ToString(), [.. states]);
    }
}
