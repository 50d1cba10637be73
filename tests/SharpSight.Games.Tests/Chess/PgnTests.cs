using System.Diagnostics;
using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Chess;

public class PgnTests(ITestOutputHelper output)
{
    /// <summary>A random legal game: random moves until mate, stalemate, insufficient material or 200 plies.</summary>
    private static (List<Move> Moves, string Result, Position Final) RandomGame(Random rng, Position start)
    {
        var moves = new List<Move>();
        var p = start;
        Span<Move> buf = stackalloc Move[Position.MaxMoves];
        string result = "*";
        while (moves.Count < 200)
        {
            int n = p.GenerateLegalMoves(buf);
            if (n == 0) { result = p.IsCheck ? (p.SideToMove == Color.White ? "0-1" : "1-0") : "1/2-1/2"; break; }
            if (p.IsInsufficientMaterial) { result = "1/2-1/2"; break; }
            var m = buf[rng.Next(n)];
            moves.Add(m);
            p = p.Play(m);
        }
        return (moves, result, p);
    }

    [Fact]
    public void RandomGamesRoundTripThroughSanPgnAndTranscript()
    {
        const int games = 10_000;
        var sw = Stopwatch.StartNew();
        long plies = 0;
        int mates = 0;
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            for (int g = worker; g < games; g += Environment.ProcessorCount)
            {
                var rng = new Random(1000 + g);
                var start = g % 50 == 49 ? Position.FromFen(PerftTests.Kiwipete) : Position.Start;
                var (moves, result, final) = RandomGame(rng, start);
                Interlocked.Add(ref plies, moves.Count);
                if (result is "1-0" or "0-1") Interlocked.Increment(ref mates);

                // SAN move by move.
                var p = start;
                foreach (var m in moves)
                {
                    string san = p.ToSan(m);
                    Assert.Equal(m, p.ParseSan(san));
                    p = p.Play(m);
                }
                Assert.Equal(final.ToFen(), p.ToFen());

                // PGN.
                var tags = new List<KeyValuePair<string, string>> { new("Event", $"random {g}"), new("Annotator", "seed \"1000\"") };
                string pgn = Pgn.Write(new PgnGame(tags, start, moves, result));
                Assert.All(pgn.Split('\n'), line => Assert.True(line.Length <= 80, line));
                var back = Pgn.ParseSingle(pgn, $"random game {g}");
                Assert.Equal(moves, back.Moves);
                Assert.Equal(result, back.Result);
                Assert.Equal($"random {g}", back.Tag("Event"));
                Assert.Equal("seed \"1000\"", back.Tag("Annotator"));
                Assert.Equal(final.ToFen(), back.FinalPosition.ToFen());

                // Transcript.
                string transcript = Transcript.Write(moves, start);
                Assert.Equal(moves, Transcript.Parse(transcript, start));
            }
        });
        output.WriteLine($"{games} games, {plies} plies, {mates} mates, {sw.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void WritesStandardPgn()
    {
        var p = Position.Start;
        var moves = new List<Move>();
        foreach (var san in "e4 e5 Nf3 Nc6 Bb5 a6".Split(' ')) { var m = p.ParseSan(san); moves.Add(m); p = p.Play(m); }
        var game = new PgnGame([new("White", "Fischer"), new("Black", "Spassky"), new("ECO", "C60")], Position.Start, moves, "1/2-1/2");
        Assert.Equal(
            "[Event \"?\"]\n[Site \"?\"]\n[Date \"????.??.??\"]\n[Round \"?\"]\n[White \"Fischer\"]\n[Black \"Spassky\"]\n[Result \"1/2-1/2\"]\n[ECO \"C60\"]\n\n" +
            "1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 1/2-1/2\n\n", Pgn.Write(game));
        Assert.Equal(";1.e4 e5 2.Nf3 Nc6 3.Bb5 a6", Transcript.Write(moves));
        var black = Position.FromFen("rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1");
        string text = Pgn.Write(new PgnGame([], black, [black.ParseSan("c5")], "*"));
        Assert.Contains("[SetUp \"1\"]\n[FEN \"rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1\"]", text);
        Assert.Contains("\n1... c5 *\n", text);
        Assert.Equal("c7c5", Pgn.ParseSingle(text).Moves[0].ToUci());
    }

    [Fact]
    public void ReadsCommentsVariationsNagsAndResults()
    {
        const string text = """
            [Event "A"]
            [Result "1-0"]

            % escape line
            1. e4 {best by test} e5 $1 2. Nf3 (2. f4 exf4 (2... d5) 3. Nf3) 2... Nc6 ; rest of line ignored
            3.Bb5!? a6?! 4. Ba4 1-0
            [Event "B"]

            1. d4 d5 1/2-1/2

            1. c4 *
            [Event "D"]
            1. Nf3
            """;
        var games = Pgn.Read(new StringReader(text), "inline").ToList();
        Assert.Equal(4, games.Count);
        Assert.Equal("e2e4 e7e5 g1f3 b8c6 f1b5 a7a6 b5a4", string.Join(' ', games[0].Moves));
        Assert.Equal("1-0", games[0].Result);
        Assert.Equal("B", games[1].Tag("Event"));
        Assert.Equal("1/2-1/2", games[1].Result);
        Assert.Empty(games[2].Tags);
        Assert.Equal("*", games[2].Result);
        Assert.Single(games[3].Moves);
        Assert.Equal("*", games[3].Result);
    }

    [Theory]
    [InlineData("[Event \"x\"]\n\n1. e4 e5 2. Nf3 Nf6 3. Nxe5 Qxe5 *", "inline game 1 line 3: move 3 (black) 'Qxe5'", "illegal")]
    [InlineData("1. e4 e5 *\n\n1. e4 e5 2. Ke3 *", "inline game 2 line 3: move 2 (white) 'Ke3'", "illegal")]
    [InlineData("1. e4 e5 2. Nf3 Nc6 3. Nc3 Nf6 4. Nd5 Nd4 5. Ne5 Nxe5 *", "move 5 (black) 'Nxe5'", "illegal")]
    [InlineData("1. Nf3 d5 2. Nc3 d4 3. Ne4 e5 4. Nd6+ Bxd6 5. e3 Bf8 6. Nd5 *", "move 6 (white) 'Nd5'", "illegal")]
    [InlineData("1. e4 e5 2. Nf3 Nc6 3. d4 d6 4. Nbd2 Nf6 5. Nb1d2 *", "move 5 (white) 'Nb1d2'", "illegal")]
    [InlineData("1. e4 e5 2. Nf3 Nc6 3. d3 d6 4. Nd2 *", "move 4 (white) 'Nd2'", "ambiguous (matches")]
    [InlineData("1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# Ke7 *", "move 4 (black) 'Ke7'", "illegal")]
    [InlineData("1. e4 e5 2. N@f3 *", "move 2 (white) 'N@f3'", "unexpected character '@'")]
    [InlineData("1. e4 (1. d4 *", "unclosed variation", "")]
    [InlineData("1. e4 -- *", "null move", "'--'")]
    public void BadMovetextErrorsNameGameMoveAndText(string text, string where, string why)
    {
        var e = Assert.Throws<GameRecordException>(() => Pgn.Read(new StringReader(text), "inline").ToList());
        Assert.Contains(where, e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AmbiguousSanInPgnIsAnError()
    {
        var e = Assert.Throws<GameRecordException>(() =>
            Pgn.Read(new StringReader("[FEN \"4k3/8/8/8/8/8/8/R4RK1 w - - 0 30\"]\n\n30. Rd1 *"), "amb.pgn").ToList());
        Assert.Equal("amb.pgn game 1 line 3: move 30 (white) 'Rd1': ambiguous (matches a1d1, f1d1)", e.Message);
    }

    [Theory]
    [InlineData("datasets/chess/master_games/Fischer.pgn", 827)]
    [InlineData("datasets/chess/master_games/Tal.pgn", 2431)]
    [InlineData("datasets/chess/python-chess/kasparov-deep-blue-1997.pgn", 6)]
    [InlineData("datasets/chess/python-chess/stockfish-learning.pgn", -1)]
    public void SharedPgnFilesImport(string file, int expectedGames)
    {
        int games = 0;
        long plies = 0;
        foreach (var g in Pgn.ReadFile(SharedData.Path(file)))
        {
            games++;
            plies += g.Moves.Count;
            Assert.NotNull(g.FinalPosition);
            // Written back and read again, the game is the same.
            if (games % 10 == 1)
            {
                var again = Pgn.ParseSingle(Pgn.Write(g));
                Assert.Equal(g.Moves, again.Moves);
            }
        }
        output.WriteLine($"{file}: {games} games, {plies} plies");
        if (expectedGames > 0) Assert.Equal(expectedGames, games);
        else Assert.True(games > 0);
    }

    [Fact]
    public void ChessGptEvalTranscriptsParse()
    {
        using var reader = new StreamReader(SharedData.Path("datasets/chess/chess_gpt_eval/games.csv"));
        var rows = Csv.Read(reader, "games.csv").Select(r => r.Fields.ToArray()).ToList();
        int col = Array.IndexOf(rows[0], "transcript");
        Assert.True(col >= 0);
        int games = 0;
        long plies = 0;
        foreach (var row in rows.Skip(1))
        {
            Assert.Equal(rows[0].Length, row.Length);
            var game = Transcript.ParseGame(row[col], source: $"games.csv {row[0]}");
            Assert.NotEmpty(game.Moves);
            plies += game.Moves.Count;
            games++;
        }
        output.WriteLine($"games.csv: {games} transcripts, {plies} plies");
        Assert.Equal(310, games);
    }

    [Fact]
    public void LichessOpeningsParse()
    {
        var openings = ChessOpenings.Read(Path.GetDirectoryName(SharedData.Path("datasets/chess/lichess-openings/a.tsv"))!);
        output.WriteLine($"lichess openings: {openings.Count} lines");
        Assert.True(openings.Count > 3000);
        Assert.All(openings, o => Assert.NotEmpty(o.Moves));
        Assert.Contains(openings, o => o.Name == "Barnes Opening: Fool's Mate" && string.Join(' ', o.Moves) == "f2f3 e7e5 g2g4 d8h4");
    }
}
