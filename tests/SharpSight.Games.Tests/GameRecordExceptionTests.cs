namespace SharpSight.Games.Tests;

public class GameRecordExceptionTests
{
    [Fact]
    public void Messages_stay_on_one_line_and_keep_the_cause()
    {
        var inner = new FormatException("bad square");
        var error = new GameRecordException("game 3, move 12: 'Nf9' is not a square", inner);
        Assert.Equal("game 3, move 12: 'Nf9' is not a square", error.Message);
        Assert.Same(inner, error.InnerException);
    }
}
