using System.Diagnostics;
using SharpSight.Games.Othello;
using Xunit.Abstractions;

namespace SharpSight.Games.Tests.Othello;

public class OthelloRecordTests(ITestOutputHelper output)
{
    private const string FirstGame =
        "f5d6c4d3e6f4e3f6c5b4e7f3c6d7b5a5c3b3g5h5g4h4e2g6b6d8c7c8a4a6a7f1a3c2d2b2e1b7g3h3f2d1a1a2b1a8c1g1f7g8e8f8b8g7h8h7h6h2g2h1";

    [Fact]
    public void Transcripts_parse_replay_and_write_back()
    {
        var game = OthelloTranscript.Parse(FirstGame, "first game", "1056798");
        Assert.Equal("1056798", game.Id);
        Assert.Equal(60, game.MoveCount);
        Assert.True(game.IsFinished);
        Assert.Equal(64, game.FinalBoard.BlackCount + game.FinalBoard.WhiteCount);
        Assert.Equal(OthelloOutcome.BlackWins, game.Outcome); // the CSV's winner column says 1
        Assert.Equal(FirstGame, OthelloTranscript.Write(game));
        Assert.Equal(OthelloSquare.Parse("f5"), game[0]);
        Assert.Equal(FirstGame, OthelloTranscript.Write(OthelloTranscript.Parse("  " + FirstGame.ToUpperInvariant() + "\n")));
        Assert.Equal(0, OthelloTranscript.Parse("").MoveCount);
        Assert.Equal(game.Moves(), OthelloGame.FromMoves(game.Moves()).Moves());
    }

    [Theory]
    [InlineData("f5d6z9", "move 3: 'z9' is not a square")]
    [InlineData("f5d6c", "move 3: 'c' is an incomplete square (transcript length 5 is odd)")]
    [InlineData("f5a1", "move 2: 'a1' is illegal: it flips nothing for white; white may play f4 d6 f6")]
    [InlineData("f5f5", "move 2: 'f5' is illegal: f5 is occupied by black")]
    [InlineData("d4", "move 1: 'd4' is illegal: d4 is occupied by white")]
    public void Malformed_transcripts_name_the_move_and_the_text(string text, string expected)
    {
        var error = Assert.Throws<GameRecordException>(() => OthelloTranscript.Parse(text, "test.txt game 7"));
        Assert.StartsWith("test.txt game 7, ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Moves_after_the_end_of_the_game_are_rejected()
    {
        var error = Assert.Throws<GameRecordException>(() => OthelloTranscript.Parse(FirstGame + "a1", "x"));
        Assert.Contains("move 61: 'a1' is illegal: the game is over (", error.Message);
        // Shortest wipe-out (9 moves): black owns every disc afterwards, so a 10th move is after the end.
        const string wipeout = "e6f4e3f6g5d6e7f5c5";
        var game = OthelloTranscript.Parse(wipeout);
        Assert.True(game.IsFinished);
        Assert.Equal(0, game.FinalBoard.WhiteCount);
        var late = Assert.Throws<GameRecordException>(() => OthelloTranscript.Parse(wipeout + "e6"));
        Assert.Contains("move 10: 'e6' is illegal: the game is over (13-0 black-white after 9 moves)", late.Message);
    }

    [Fact]
    public void Forced_passes_are_implicit_in_transcripts()
    {
        // Find a championship game with a pass and check it against the rules by hand-stepping with explicit passes.
        var record = OthelloChampionshipCsv.Read(SharedData.Path("datasets/othello/othello_dataset.csv"))
            .First(r => r.Game.PassCount > 0);
        var board = OthelloBoard.Start;
        int passes = 0;
        var states = record.Game.StatesAfterEachMove();
        for (int i = 0; i < record.Game.MoveCount; i++)
        {
            if (board.LegalMoves == 0)
            {
                Assert.True(board.MustPass);
                board = board.Pass();
                passes++;
                Assert.True(states[i - 1].NextPlayerPassed);
                Assert.Equal(states[i - 1].Mover, board.SideToMove);
            }
            board = board.Play(record.Game[i]);
        }
        if (board.MustPass) { board = board.Pass(); passes++; }
        Assert.Equal(record.Game.PassCount, passes);
        Assert.Equal(record.Game.FinalBoard, board);
        output.WriteLine($"pass example: game {record.Index} id {record.Id}, {passes} passes");
    }

    [Fact]
    public void Hand_checked_pass_inside_a_championship_game()
    {
        // Game 1 (id 1050515), move 56: white a3 flips a2 b2 b3. Black's empty-square candidates g8 h8 h7 h5 are each
        // only next to black discs or empties (checked by hand on the diagram), so black passes and white plays move 57.
        const string moves = "d3c5f6f5e6e3d6f7b6d7e2c6d8c4e7c3f4c8c7d2d1a6b3f3b8f8b5f2e8a8b4b7a7a5g3f1g4g5h6a4g6e1b2c1c2h3h4g2g7h2h1a1g1b1a2a3h7h8g8h5";
        var game = OthelloTranscript.Parse(moves, "1050515");
        var states = game.StatesAfterEachMove();
        var afterA3 = states[55];
        Assert.Equal("a3", OthelloSquare.Name(afterA3.Square));
        Assert.Equal(OthelloColor.White, afterA3.Mover);
        Assert.Equal(OthelloSquare.Bits("a2", "b2", "b3"), afterA3.Flipped);
        Assert.True(afterA3.NextPlayerPassed);
        Assert.Equal(OthelloColor.White, afterA3.SideToMove);
        Assert.Equal(
            "8 OOOOOO**\n7 XXOXXXX*\n6 OOXOOXXX\n5 OOOXOOX*\n4 OOOOOOXX\n3 OOOOXXOX\n2 OOXXXXXX\n1 OOOOOOXX\n  abcdefgh white to move",
            afterA3.Board.ToString());
        // Black really has no move there (explicit pass on the board before the pass is applied).
        var beforePass = OthelloBoard.FromColors(afterA3.Board.Black, afterA3.Board.White, OthelloColor.Black);
        Assert.True(beforePass.MustPass);
        Assert.Equal(afterA3.Board, beforePass.Pass());
        Assert.Equal(OthelloColor.White, states[56].Mover);
        Assert.Equal(2, game.PassCount); // a second one after move 59 (white g8)
        Assert.True(states[58].NextPlayerPassed);
        Assert.True(game.IsFinished);
    }

    [Fact]
    public void Every_championship_game_replays_and_all_but_one_winner_matches_the_disc_count()
    {
        var watch = Stopwatch.StartNew();
        int games = 0, matches = 0;
        var mismatches = new List<OthelloChampionshipRecord>();
        foreach (var record in OthelloChampionshipCsv.Read(SharedData.Path("datasets/othello/othello_dataset.csv")))
        {
            games++;
            if (record.WinnerMatchesDiscCount) matches++;
            else mismatches.Add(record);
        }
        watch.Stop();
        Assert.Equal(25_657, games);
        Assert.Equal(25_656, matches);
        var odd = Assert.Single(mismatches);
        output.WriteLine($"{games} games replayed in {watch.ElapsedMilliseconds} ms; mismatch: id {odd.Id} (game {odd.Index}, line {odd.Line}) " +
            $"winner column {odd.Winner}, discs {odd.Game.FinalBoard.BlackCount}-{odd.Game.FinalBoard.WhiteCount}, {odd.Game.MoveCount} moves, finished {odd.Game.IsFinished}");
        Assert.Equal("596120", odd.Id);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Championship_csv_errors_name_the_line_game_and_id()
    {
        string csv = OthelloChampionshipCsv.Header + "\n1,1,f5d6\n2,-1,f5d6c3z9\n";
        using var reader = new StringReader(csv);
        var records = OthelloChampionshipCsv.Read(reader, "games.csv").GetEnumerator();
        Assert.True(records.MoveNext());
        Assert.Equal(OthelloOutcome.BlackWins, records.Current.Winner);
        Assert.False(records.Current.Game.IsFinished);
        var error = Assert.Throws<GameRecordException>(() => records.MoveNext());
        Assert.Equal("games.csv, line 3, game 1 (id 2), move 4: 'z9' is not a square (a1..h8)", error.Message);

        var badWinner = Assert.Throws<GameRecordException>(() =>
            OthelloChampionshipCsv.Read(new StringReader(OthelloChampionshipCsv.Header + "\n5,2,f5\n"), "w.csv").ToList());
        Assert.Equal("w.csv, line 2, game 0 (id 5): winner '2' is not 1, -1 or 0", badWinner.Message);
        var badHeader = Assert.Throws<GameRecordException>(() => OthelloChampionshipCsv.Read(new StringReader("id,moves\n"), "h.csv").ToList());
        Assert.Contains("h.csv, line 1: header 'id,moves'", badHeader.Message);
    }
}
