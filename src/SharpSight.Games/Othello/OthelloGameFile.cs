using System.Buffers.Binary;
using SharpSight.Core.IO;

namespace SharpSight.Games.Othello;

/// <summary>
/// A compact binary file of Othello games, read as a stream. Layout (little-endian), version 1:
/// <list type="bullet">
/// <item>bytes 0..7: magic "SSOTHELO"; 8..9: version (1); 10..11: flags (0); 12..15: game count (uint32);</item>
/// <item>per game: one byte per move, the square index 0..63 (a1 = 0 .. h8 = 63), then the terminator 0xFF;</item>
/// <item>trailer: 8-byte FNV-1a-64 hash of all game bytes (terminators included), then end of file.</item>
/// </list>
/// A finished random game costs about 61 bytes. Game ids are not stored. Every game is replayed while reading, so an
/// illegal move is reported at once; truncation, a wrong count, stray bytes and the hash are checked too (the hash and
/// what follows the last game when enumeration reaches the end).
/// </summary>
public static class OthelloGameFile
{
    /// <summary>The 8-byte magic at the start of the file.</summary>
    public static ReadOnlySpan<byte> Magic => "SSOTHELO"u8;

    /// <summary>The format version written.</summary>
    public const ushort Version = 1;

    /// <summary>The byte ending each game.</summary>
    public const byte Terminator = 0xFF;

    /// <summary>Size of the header in bytes.</summary>
    public const int HeaderSize = 16;

    private const ulong FnvOffset = 0xCBF29CE484222325UL;
    private const ulong FnvPrime = 0x100000001B3UL;

    /// <summary>Writes games to <paramref name="path"/> atomically (readers see the old file or the complete new one).</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="games">The games, enumerated once.</param>
    /// <returns>The number of games written.</returns>
    public static int Write(string path, IEnumerable<OthelloGame> games)
    {
        ArgumentNullException.ThrowIfNull(games);
        int count = 0;
        AtomicFile.Write(path, stream => count = Write(stream, games));
        return count;
    }

    /// <summary>Writes games to a stream. A stream that cannot seek gets the games buffered first (the count leads).</summary>
    /// <param name="stream">The destination, left open.</param>
    /// <param name="games">The games, enumerated once.</param>
    /// <returns>The number of games written.</returns>
    public static int Write(Stream stream, IEnumerable<OthelloGame> games)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(games);
        if (!stream.CanSeek) games = games.ToList();
        long start = stream.CanSeek ? stream.Position : 0;
        int known = games is ICollection<OthelloGame> collection ? collection.Count : 0;
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(header, known);
        stream.Write(header);

        var buffer = new byte[1 << 16];
        int used = 0, count = 0;
        ulong hash = FnvOffset;
        foreach (OthelloGame game in games)
        {
            ArgumentNullException.ThrowIfNull(game, nameof(games));
            if (used + OthelloGame.MaxMoves + 1 > buffer.Length)
            {
                stream.Write(buffer, 0, used);
                used = 0;
            }
            game.Squares.CopyTo(buffer.AsSpan(used));
            used += game.MoveCount;
            buffer[used++] = Terminator;
            hash = Fnv(hash, buffer.AsSpan(used - game.MoveCount - 1, game.MoveCount + 1));
            count = checked(count + 1);
        }
        stream.Write(buffer, 0, used);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, hash);
        stream.Write(trailer);
        if (count != known)
        {
            if (!stream.CanSeek) throw new InvalidOperationException("the game collection changed while it was written");
            long end = stream.Position;
            stream.Position = start;
            WriteHeader(header, count);
            stream.Write(header);
            stream.Position = end;
        }
        return count;
    }

    private static void WriteHeader(Span<byte> header, int count)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)count);
    }

    private static ulong Fnv(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) hash = (hash ^ b) * FnvPrime;
        return hash;
    }

    /// <summary>The game count in a file's header (the header is validated).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GameRecordException">The file is not a game file or its header is damaged.</exception>
    public static int ReadGameCount(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, Path.GetFileName(path));
    }

    /// <summary>Streams the games of a file; the file is opened when enumeration starts and closed when it ends.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GameRecordException">Thrown during enumeration for a damaged file, naming the game, move and byte offset.</exception>
    public static IEnumerable<OthelloGame> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFile(path);
    }

    private static IEnumerable<OthelloGame> ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        foreach (OthelloGame game in Read(stream, Path.GetFileName(path))) yield return game;
    }

    /// <summary>Streams the games of a stream from its current position.</summary>
    /// <param name="stream">The source, left open.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="GameRecordException">Thrown during enumeration for damaged content.</exception>
    public static IEnumerable<OthelloGame> Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        return ReadStream(stream, source);
    }

    private static int ReadHeader(Stream stream, string source)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        int got = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (got >= 8 && !header[..8].SequenceEqual(Magic) || got < 8 && !header[..got].SequenceEqual(Magic[..got]))
            throw new GameRecordException($"{source}: not an Othello game file (magic '{Ascii(header[..Math.Min(got, 8)])}' at byte 0, expected 'SSOTHELO')");
        if (got < HeaderSize)
            throw new GameRecordException($"{source}: truncated header ({got} of {HeaderSize} bytes)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != Version)
            throw new GameRecordException($"{source}: format version {version} is not supported (this reader knows version {Version})");
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        if (flags != 0) throw new GameRecordException($"{source}: header flags 0x{flags:X4} at byte 10 are not 0; the header is corrupt");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (count > int.MaxValue) throw new GameRecordException($"{source}: game count {count} at byte 12 is corrupt");
        return (int)count;
    }

    private static IEnumerable<OthelloGame> ReadStream(Stream stream, string source)
    {
        int count = ReadHeader(stream, source);
        var reader = new ChunkReader(stream, HeaderSize);
        var moves = new byte[OthelloGame.MaxMoves];
        ulong hash = FnvOffset;
        for (int index = 0; index < count; index++)
        {
            long start = reader.Offset;
            int length = 0;
            while (true)
            {
                int b = reader.Next();
                if (b < 0)
                    throw new GameRecordException($"{source}, game {index} (byte {start}): the file ends inside the game after {length} moves; the header says {count} games, so it is truncated");
                hash = (hash ^ (byte)b) * FnvPrime;
                if (b == Terminator) break;
                if (b > 63)
                    throw new GameRecordException($"{source}, game {index}, move {length + 1} (byte {reader.Offset - 1}): '0x{b:X2}' is neither a square index (0..63) nor the terminator 0xFF; the file is corrupt");
                if (length == OthelloGame.MaxMoves)
                    throw new GameRecordException($"{source}, game {index}, move {length + 1} (byte {reader.Offset - 1}): '{OthelloSquare.Name(b)}' is a move after move {OthelloGame.MaxMoves} (missing terminator); the file is corrupt");
                moves[length++] = (byte)b;
            }
            yield return OthelloGame.FromMoves(moves.AsSpan(0, length), $"{source}, game {index} (byte {start})");
        }

        Span<byte> trailer = stackalloc byte[8];
        int got = 0;
        for (; got < 8; got++)
        {
            int b = reader.Next();
            if (b < 0) break;
            trailer[got] = (byte)b;
        }
        if (got < 8)
            throw new GameRecordException($"{source}: the file ends {got} bytes into the 8-byte checksum after game {count - 1} (byte {reader.Offset}); it is truncated");
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(trailer);
        if (stored != hash)
            throw new GameRecordException($"{source}: checksum {stored:X16} at byte {reader.Offset - 8} does not match the games' {hash:X16}; the file is corrupt (or its game count is wrong)");
        if (reader.Next() >= 0)
            throw new GameRecordException($"{source}: unexpected bytes after the checksum at byte {reader.Offset - 1}; the header says {count} games");
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        return new string(chars);
    }

    /// <summary>Byte-at-a-time reading over a buffer, tracking the absolute offset.</summary>
    private sealed class ChunkReader(Stream stream, long offset)
    {
        private readonly byte[] buffer = new byte[1 << 16];
        private int position, length;

        public long Offset { get; private set; } = offset;

        public int Next()
        {
            if (position == length)
            {
                length = stream.Read(buffer, 0, buffer.Length);
                position = 0;
                if (length == 0) return -1;
            }
            Offset++;
            return buffer[position++];
        }
    }
}
