using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Engines;

namespace SharpSight.Games.Tests.Chess;

/// <summary>One engine process at a time: the machine has few cores, and timing-sensitive waits should not starve.</summary>
[CollectionDefinition("stockfish", DisableParallelization = true)]
public sealed class StockfishCollection;

[Collection("stockfish")]
public sealed class UciEngineTests : IDisposable
{
    private readonly UciEngine engine = UciEngine.Start();

    public void Dispose() => engine.Dispose();

    [Fact]
    public void Handshake_reads_the_name_and_options()
    {
        Assert.StartsWith("Stockfish", engine.Name);
        Assert.Equal(UciEngine.DefaultPath, engine.EnginePath);
        var skill = engine.Options["skill level"];
        Assert.Equal(("Skill Level", "spin", 0L, 20L), (skill.Name, skill.Type, skill.Min ?? -1, skill.Max ?? -1));
        Assert.Contains("Threads", engine.Options.Keys);
        Assert.Contains("Hash", engine.Options.Keys);
    }

    [Theory]
    [InlineData(Position.StartFen, "", "nodes")]
    [InlineData(Position.StartFen, "e2e4 e7e5 g1f3 b8c6 f1b5", "depth")]
    [InlineData("r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1", "", "movetime")]
    [InlineData("8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", "b4b1 h4g3", "nodes")]
    [InlineData("4k3/P7/8/8/8/8/8/4K3 w - - 0 1", "", "depth")]
    public void Best_moves_are_legal(string fen, string moves, string limit)
    {
        var start = Position.FromFen(fen);
        var played = new List<Move>();
        var p = start;
        foreach (string uci in moves.Split(' ', StringSplitOptions.RemoveEmptyEntries)) { var m = p.ParseUci(uci); played.Add(m); p = p.Play(m); }
        SearchLimit search = limit switch { "nodes" => SearchLimit.Nodes(2000), "depth" => SearchLimit.Depth(4), _ => SearchLimit.MoveTime(50) };
        Move? best = engine.BestMove(start, played, search);
        Assert.NotNull(best);
        Assert.Contains(best.Value, p.LegalMoves());
    }

    [Theory]
    [InlineData("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", "a1a8")]
    [InlineData("r1bqkbnr/pppp1ppp/2n5/4p3/2B1P3/5Q2/PPPP1PPP/RNB1K1NR w KQkq - 4 4", "f3f7")]
    [InlineData("6rk/6pp/8/6N1/8/8/8/6K1 w - - 0 1", "g5f7")]
    [InlineData("rnbqkbnr/pppp1ppp/8/4p3/6P1/5P2/PPPPP2P/RNBQKBNR b KQkq - 0 2", "d8h4")]
    public void Depth_one_finds_mate_in_one(string fen, string mate)
    {
        var position = Position.FromFen(fen);
        Move? best = engine.BestMove(position, SearchLimit.Depth(1));
        Assert.Equal(mate, best?.ToUci());
        Assert.True(position.Play(best!.Value).IsCheckmate);
    }

    [Theory]
    [InlineData("rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3")] // mated
    [InlineData("7k/8/6Q1/8/8/8/8/6K1 b - - 0 1")]                            // stalemated
    public void No_move_is_null(string fen) => Assert.Null(engine.BestMove(Position.FromFen(fen), SearchLimit.Depth(3)));

    [Fact]
    public void Node_limits_are_deterministic_after_a_new_game()
    {
        var position = Position.FromFen("r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3");
        engine.SetOption("Threads", 1);
        var first = new List<string>();
        var second = new List<string>();
        foreach (var list in new[] { first, second })
        {
            engine.NewGame();
            var moves = new List<Move>();
            for (int i = 0; i < 6; i++)
            {
                Move m = engine.BestMove(position, moves, SearchLimit.Nodes(3000))!.Value;
                moves.Add(m);
                list.Add(m.ToUci());
            }
        }
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("Skill Level", "5")]
    [InlineData("skill level", "20")]
    [InlineData("Threads", "1")]
    [InlineData("Hash", "8")]
    [InlineData("Ponder", "false")]
    public void Options_are_accepted(string name, string value)
    {
        engine.SetOption(name, value);
        Assert.NotNull(engine.BestMove(Position.Start, SearchLimit.Nodes(500)));
    }

    [Theory]
    [InlineData("Skill Levell", "5", "chess engine 'Stockfish")]
    [InlineData("Skill Level", "21", "engine option 'Skill Level' is 0..20, got 21")]
    [InlineData("Threads", "two", "engine option 'Threads' takes an integer, got 'two'")]
    [InlineData("Ponder", "yes", "engine option 'Ponder' is true or false, got 'yes'")]
    public void Bad_options_are_refused_before_they_reach_the_engine(string name, string value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => engine.SetOption(name, value));
        Assert.StartsWith(expected, e.Message);
        if (name == "Skill Levell") Assert.Contains("has no option 'Skill Levell'", e.Message);
    }

    [Fact]
    public void A_missing_engine_is_named()
    {
        var e = Assert.Throws<UciEngineException>(() => UciEngine.Start("/no/such/stockfish"));
        Assert.Equal("chess engine '/no/such/stockfish' not found (install stockfish, or give the engine's path)", e.Message);
        e = Assert.Throws<UciEngineException>(() => UciEngine.Start("no-such-engine-on-path"));
        Assert.StartsWith("chess engine 'no-such-engine-on-path' could not be started", e.Message);
    }

    [Fact]
    public void A_program_that_exits_is_reported()
    {
        var e = Assert.Throws<UciEngineException>(() => UciEngine.Start("/bin/true", TimeSpan.FromSeconds(5)));
        Assert.StartsWith("chess engine '/bin/true' exited with code 0 after 'uci'", e.Message);
    }

    [Fact]
    public void A_program_that_does_not_answer_times_out_naming_the_command()
    {
        // cat echoes "uci" back but never says "uciok".
        var e = Assert.Throws<UciEngineException>(() => UciEngine.Start("/bin/cat", TimeSpan.FromMilliseconds(500)));
        Assert.Equal("chess engine '/bin/cat' did not answer 'uci' with 'uciok' within 0.5 s", e.Message);
    }

    [Fact]
    public void A_search_that_outlives_the_timeout_names_the_go_command()
    {
        using var slow = UciEngine.Start(timeout: TimeSpan.FromSeconds(1));
        var e = Assert.Throws<UciEngineException>(() => slow.BestMove(Position.Start, SearchLimit.Depth(60)));
        Assert.Equal($"chess engine '{UciEngine.DefaultPath}' did not answer 'go depth 60' with 'bestmove' within 1 s", e.Message);
    }

    [Fact]
    public void A_disposed_engine_refuses_commands()
    {
        using var other = UciEngine.Start();
        other.Dispose();
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.NewGame());
    }

    [Fact]
    public void Search_limits_write_go_commands()
    {
        Assert.Equal("go depth 8", SearchLimit.Depth(8).GoCommand);
        Assert.Equal("go nodes 10000", SearchLimit.Nodes(10_000).GoCommand);
        Assert.Equal("go movetime 100", SearchLimit.MoveTime(100).GoCommand);
        Assert.False(SearchLimit.MoveTime(100).IsDeterministic);
        Assert.True(SearchLimit.Nodes(1).IsDeterministic);
        Assert.Equal("search depth 0 is outside 1..100", Assert.Throws<ArgumentException>(() => SearchLimit.Depth(0)).Message);
        Assert.Equal("node limit 0 must be positive", Assert.Throws<ArgumentException>(() => SearchLimit.Nodes(0)).Message);
    }
}
