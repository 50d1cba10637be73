using System.IO.Compression;
using System.Text;
using SharpSight.Core.IO;

namespace SharpSight.Games.Chess.Datasets;

/// <summary>
/// A text file of chess games, one per line, in the transcript format of the chess-GPT paper (Karvonen 2024):
/// <c>;1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 1-0</c>. The line is the game's transcript (<see cref="Transcript"/>), optionally
/// followed by a space and the result (1-0, 0-1, 1/2-1/2, *). Every game starts from the standard position. A name
/// ending in ".gz" is gzip-compressed (random games shrink about 2.4 times). Files are written atomically and read as
/// a stream; every line is replayed, so an illegal or garbled move is reported with the file, line, move and text.
/// </summary>
public static class ChessGameFile
{
    /// <summary>Writes games to <paramref name="path"/> atomically (readers see the old file or the complete new one).</summary>
    /// <param name="path">The file to create or replace; its folder must exist. A ".gz" name is compressed.</param>
    /// <param name="games">The games, enumerated once.</param>
    /// <param name="results">Whether each line ends with the result.</param>
    /// <returns>The number of games written.</returns>
    public static int Write(string path, IEnumerable<ChessGame> games, bool results = true)
    {
        ArgumentNullException.ThrowIfNull(games);
        int count = 0;
        AtomicFile.Write(path, stream =>
        {
            // AtomicFile flushes and closes the stream itself, so everything above it leaves it open.
            Stream body = IsCompressed(path) ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true) : stream;
            using (var writer = new StreamWriter(body, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                count = Write(writer, games, results);
            if (body != stream) body.Dispose();
        });
        return count;
    }

    /// <summary>Writes games as lines to a text writer.</summary>
    /// <param name="writer">The destination, left open.</param>
    /// <param name="games">The games, enumerated once.</param>
    /// <param name="results">Whether each line ends with the result.</param>
    /// <returns>The number of games written.</returns>
    public static int Write(TextWriter writer, IEnumerable<ChessGame> games, bool results = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(games);
        int count = 0;
        foreach (ChessGame game in games)
        {
            writer.Write(FormatLine(game, results));
            writer.Write('\n');
            count++;
        }
        return count;
    }

    /// <summary>One game's line, without the line break: the transcript and, when asked, a space and the result.</summary>
    public static string FormatLine(ChessGame game, bool result = true)
    {
        ArgumentNullException.ThrowIfNull(game);
        string transcript = game.ToTranscript();
        return result ? transcript + " " + game.Result : transcript;
    }

    /// <summary>Streams the games of a file; it is opened when enumeration starts and closed when it ends.</summary>
    /// <param name="path">The file (".gz": gzip-compressed).</param>
    /// <exception cref="GameRecordException">Thrown during enumeration for a bad line, naming the file, line, move and text.</exception>
    public static IEnumerable<ChessGame> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFile(path);
    }

    private static IEnumerable<ChessGame> ReadFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using Stream body = IsCompressed(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(body, Encoding.UTF8);
        string source = Path.GetFileName(path);
        using IEnumerator<ChessGame> games = Read(reader, source).GetEnumerator();
        while (true)
        {
            try
            {
                if (!games.MoveNext()) yield break;
            }
            catch (InvalidDataException e)
            {
                throw new GameRecordException($"{source}: damaged gzip data ({e.Message})", e);
            }
            yield return games.Current;
        }
    }

    /// <summary>Streams the games of text, one per line; blank lines are skipped.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">Names the text in error messages (e.g. the file name).</param>
    /// <exception cref="GameRecordException">Thrown during enumeration for a bad line.</exception>
    public static IEnumerable<ChessGame> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        return ReadText(reader, source);
    }

    private static IEnumerable<ChessGame> ReadText(TextReader reader, string source)
    {
        int number = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line)) yield return ParseLine(line, source, number);
        }
    }

    /// <summary>
    /// Reads one line. Without a result the result is the one the rules give the final position (checkmate, stalemate,
    /// …) or "*". <see cref="ChessGame.Termination"/> is the rule that ends the final position, if any.
    /// </summary>
    /// <param name="line">The line.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <param name="number">The 1-based line number, for error messages.</param>
    /// <exception cref="GameRecordException">A line not starting with ';', an illegal move, or a result the board contradicts.</exception>
    public static ChessGame ParseLine(string line, string source, int number)
    {
        ArgumentNullException.ThrowIfNull(line);
        string where = $"{source} line {number}";
        if (!line.StartsWith(';'))
            throw new GameRecordException($"{where}: '{Shorten(line)}' does not start with ';' (a transcript line is ;1.e4 e5 2.Nf3 …)");
        PgnGame parsed = Transcript.ParseGame(line, null, source, number);
        return ChessGame.FromRecord(parsed.Moves, HasResultToken(line) ? parsed.Result : null, where);
    }

    private static bool HasResultToken(string line)
    {
        ReadOnlySpan<char> text = line.AsSpan().TrimEnd();
        return text.EndsWith("1-0") || text.EndsWith("0-1") || text.EndsWith("1/2-1/2") || text.EndsWith("*");
    }

    private static bool IsCompressed(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
