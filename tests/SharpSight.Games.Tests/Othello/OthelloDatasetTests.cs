using System.Diagnostics;
using SharpSight.Games.Othello;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Othello;

public sealed class OthelloDatasetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sharpsight-othello-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Coordinate-walking reference for the flips of a move (independent of the bitboard shifts).</summary>
    private static ulong NaiveFlips(ulong mine, ulong theirs, int square)
    {
        if (((mine | theirs) >> square & 1) != 0) return 0;
        ulong flips = 0;
        for (int df = -1; df <= 1; df++)
        for (int dr = -1; dr <= 1; dr++)
        {
            if (df == 0 && dr == 0) continue;
            ulong line = 0;
            int f = (square & 7) + df, r = (square >> 3) + dr;
            while (f is >= 0 and < 8 && r is >= 0 and < 8 && (theirs >> (r * 8 + f) & 1) != 0)
            {
                line |= 1UL << (r * 8 + f);
                f += df;
                r += dr;
            }
            if (line != 0 && f is >= 0 and < 8 && r is >= 0 and < 8 && (mine >> (r * 8 + f) & 1) != 0) flips |= line;
        }
        return flips;
    }

    [Fact]
    public void Move_generation_and_flips_agree_with_a_coordinate_walking_reference()
    {
        int positions = 0;
        foreach (var game in OthelloRandomGames.Generate(300, seed: 7))
        foreach (var board in game.Positions())
        {
            ulong legal = 0;
            for (int sq = 0; sq < 64; sq++)
            {
                ulong flips = NaiveFlips(board.Mine, board.Theirs, sq);
                Assert.Equal(flips, board.FlipsOf(sq));
                if (flips != 0) legal |= 1UL << sq;
            }
            Assert.Equal(legal, board.LegalMoves);
            positions++;
        }
        Assert.True(positions > 300 * 55);
    }

    [Fact]
    public void Random_games_are_seeded_legal_and_finished()
    {
        var a = OthelloRandomGames.Generate(50, seed: 42).ToList();
        var b = OthelloRandomGames.Generate(50, seed: 42).ToList();
        var c = OthelloRandomGames.Generate(50, seed: 43).ToList();
        Assert.All(a.Zip(b), p => Assert.True(p.First.SameMoves(p.Second)));
        Assert.Contains(a.Zip(c), p => !p.First.SameMoves(p.Second));
        Assert.All(a, g => Assert.True(g.IsFinished));
        // First moves are spread over the four legal openings.
        var firsts = OthelloRandomGames.Generate(2000, seed: 1).Select(g => g[0]).GroupBy(s => s).ToDictionary(g => OthelloSquare.Name(g.Key), g => g.Count());
        Assert.Equal(new[] { "c4", "d3", "e6", "f5" }, firsts.Keys.Order());
        Assert.All(firsts.Values, n => Assert.InRange(n, 400, 600));
    }

    [Fact]
    public void Ten_thousand_random_games_round_trip_through_transcripts_tokens_and_the_game_file()
    {
        var watch = Stopwatch.StartNew();
        var games = OthelloRandomGames.Generate(10_000, seed: 2023).ToList();
        watch.Stop();
        output.WriteLine($"generated 10,000 games in {watch.ElapsedMilliseconds} ms ({10_000 / watch.Elapsed.TotalSeconds:F0} games/s), " +
            $"{games.Sum(g => g.MoveCount)} moves, {games.Count(g => g.MoveCount < 60)} shorter than 60, {games.Sum(g => g.PassCount)} passes");

        foreach (var game in games)
        {
            var parsed = OthelloTranscript.Parse(OthelloTranscript.Write(game));
            Assert.True(parsed.SameMoves(game));
            Assert.Equal(game.FinalBoard, parsed.FinalBoard);
            Assert.Equal(game.PassCount, parsed.PassCount);

            int[] tokens = OthelloVocabulary.Encode(game);
            Assert.Equal(game.MoveCount, tokens.Length);
            Assert.All(tokens, t => Assert.InRange(t, 1, 60));
            var decoded = OthelloVocabulary.Decode(OthelloVocabulary.Encode(game, 60));
            Assert.True(decoded.SameMoves(game));
            Assert.Equal(game.FinalBoard, decoded.FinalBoard);
        }

        string path = Path.Combine(folder, "random.ssothello");
        watch.Restart();
        Assert.Equal(10_000, OthelloGameFile.Write(path, games));
        long bytes = new FileInfo(path).Length;
        Assert.Equal(OthelloGameFile.HeaderSize + games.Sum(g => g.MoveCount + 1) + 8, bytes);
        Assert.Equal(10_000, OthelloGameFile.ReadGameCount(path));
        int i = 0;
        foreach (var read in OthelloGameFile.Read(path))
        {
            Assert.True(read.SameMoves(games[i]));
            Assert.Equal(games[i].FinalBoard, read.FinalBoard);
            i++;
        }
        watch.Stop();
        Assert.Equal(10_000, i);
        output.WriteLine($"game file: {bytes} bytes, written and read back in {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Championship_games_round_trip_through_the_game_file_lazily()
    {
        var records = OthelloChampionshipCsv.Read(SharedData.Path("datasets/othello/othello_dataset.csv")).Take(500).ToList();
        string path = Path.Combine(folder, "championship.ssothello");
        // Written from a lazy sequence (count unknown up front: the header is patched).
        Assert.Equal(500, OthelloGameFile.Write(path, records.Select(r => r.Game)));
        var firstThree = OthelloGameFile.Read(path).Take(3).ToList();
        Assert.Equal(OthelloTranscript.Write(records[2].Game), OthelloTranscript.Write(firstThree[2]));
        Assert.All(OthelloGameFile.Read(path).Zip(records), p => Assert.True(p.First.SameMoves(p.Second.Game)));

        // A non-seekable stream gets the same bytes.
        using var pipe = new NonSeekable();
        OthelloGameFile.Write(pipe, records.Select(r => r.Game));
        Assert.Equal(File.ReadAllBytes(path), pipe.ToArray());

        Assert.Empty(OthelloGameFile.Read(Write("empty.ssothello", [])));
    }

    private string Write(string name, IEnumerable<OthelloGame> games)
    {
        string path = Path.Combine(folder, name);
        OthelloGameFile.Write(path, games);
        return path;
    }

    private string Damaged(Func<byte[], byte[]> damage)
    {
        string good = Write("good.ssothello", [OthelloTranscript.Parse("f5d6c3d3c4"), OthelloTranscript.Parse("e6f4e3f6g5d6e7f5c5")]);
        string path = Path.Combine(folder, "bad.ssothello");
        File.WriteAllBytes(path, damage(File.ReadAllBytes(good)));
        return path;
    }

    private static string ErrorOf(string path) => Assert.Throws<GameRecordException>(() => OthelloGameFile.Read(path).ToList()).Message;

    [Fact]
    public void Damaged_game_files_give_clear_errors()
    {
        // Layout: 16 header bytes, game 0 = 5 moves + 0xFF (bytes 16..21), game 1 = 9 moves + 0xFF (22..31), 8 hash bytes.
        Assert.Equal("bad.ssothello: not an Othello game file (magic 'XSOTHELO' at byte 0, expected 'SSOTHELO')",
            ErrorOf(Damaged(b => { b[0] = (byte)'X'; return b; })));
        Assert.Equal("bad.ssothello: truncated header (10 of 16 bytes)", ErrorOf(Damaged(b => b[..10])));
        Assert.Equal("bad.ssothello: format version 9 is not supported (this reader knows version 1)",
            ErrorOf(Damaged(b => { b[8] = 9; return b; })));
        Assert.Equal("bad.ssothello, game 1 (byte 22): the file ends inside the game after 4 moves; the header says 2 games, so it is truncated",
            ErrorOf(Damaged(b => b[..26])));
        Assert.StartsWith("bad.ssothello: the file ends 3 bytes into the 8-byte checksum", ErrorOf(Damaged(b => b[..^5])));
        Assert.Equal("bad.ssothello, game 0, move 2 (byte 17): '0x50' is neither a square index (0..63) nor the terminator 0xFF; the file is corrupt",
            ErrorOf(Damaged(b => { b[17] = 0x50; return b; })));
        Assert.StartsWith("bad.ssothello, game 0 (byte 16), move 2: 'a1' is illegal: it flips nothing for white",
            ErrorOf(Damaged(b => { b[17] = 0; return b; })));
        Assert.StartsWith("bad.ssothello: checksum ", ErrorOf(Damaged(b => { b[^1] ^= 1; return b; })));
        Assert.StartsWith("bad.ssothello: unexpected bytes after the checksum", ErrorOf(Damaged(b => [.. b, 0])));
        // A wrong count: the reader stops early and the hash does not match.
        Assert.Contains("does not match", ErrorOf(Damaged(b => { b[12] = 1; return b; })));
        // Games before the damage are still delivered lazily.
        Assert.Single(OthelloGameFile.Read(Damaged(b => b[..26])).Take(1));
        // Original files are left alone when writing fails part-way (atomic replace).
        string kept = Write("kept.ssothello", [OthelloTranscript.Parse("f5")]);
        Assert.Throws<InvalidOperationException>(() => OthelloGameFile.Write(kept, Failing()));
        Assert.Equal("f5", OthelloTranscript.Write(Assert.Single(OthelloGameFile.Read(kept))));
    }

    private static IEnumerable<OthelloGame> Failing()
    {
        yield return OthelloTranscript.Parse("f5d6");
        throw new InvalidOperationException("source failed");
    }

    private sealed class NonSeekable : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
