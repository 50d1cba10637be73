using System.Numerics;
using SharpSight.Games.Othello;
using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Evals.Probing;

/// <summary>
/// The effect of editing the model's board at one layer: mean errors of its top-N moves against the edited board's N
/// legal moves, without the edit, with the probe edit, and with a random edit of the same size.
/// </summary>
/// <param name="Hook">Where the edit was written (a blocks.L.hook_resid_post).</param>
/// <param name="Cases">Positions edited.</param>
/// <param name="ErrorsWithoutEdit">Mean errors of the unedited model against the edited board (its legal moves differ from the real board's).</param>
/// <param name="ErrorsWithEdit">Mean errors after the probe-direction edit.</param>
/// <param name="ErrorsWithRandomEdit">Mean errors after adding a random direction of the same norm (control).</param>
public sealed record BoardEditResult(string Hook, int Cases, double ErrorsWithoutEdit, double ErrorsWithEdit, double ErrorsWithRandomEdit);

/// <summary>
/// Causal test of the probed board (Li et al. 2023; Nanda et al. 2023): at a position, one occupied square whose colour
/// matters for the legal moves is flipped in the model's residual stream by moving the activation along the linear
/// probe's direction until the probe reads the other colour; the model's top-N predicted moves are compared with the
/// N legal moves of the edited board. The edit is written with the trace API at the last position of each game prefix.
/// </summary>
public static class OthelloBoardEdit
{
    /// <summary>One position to edit: the game prefix, the square flipped and the edited board's legal moves.</summary>
    private sealed record Case(long[] Tokens, int Square, OthelloRelativeCell From, ulong EditedLegal);

    /// <summary>Fits a probe per hook on <paramref name="fitGames"/> and edits <paramref name="cases"/> positions of <paramref name="testGames"/> at each hook.</summary>
    /// <param name="model">An Othello model.</param>
    /// <param name="fitGames">Games to fit the probes on.</param>
    /// <param name="testGames">Games to draw positions from.</param>
    /// <param name="hooks">blocks.L.hook_resid_post hook points.</param>
    /// <param name="cases">Positions to edit.</param>
    /// <param name="seed">Chooses positions, squares and the random control directions.</param>
    /// <param name="margin">The probe's logit gap for the new colour after the edit (at least this much, or the mirror of the old gap).</param>
    public static IReadOnlyList<BoardEditResult> ByHook(TransformerModel model, IReadOnlyList<OthelloGame> fitGames, IReadOnlyList<OthelloGame> testGames,
        IReadOnlyList<string> hooks, int cases, ulong seed, double margin = 4.0)
    {
        Case[] chosen = ChooseCases(testGames, cases, seed);
        if (chosen.Length == 0) throw new ArgumentException("no position of the test games has a square whose flip changes the legal moves");
        var (features, labels) = OthelloBoardProbe.Collect(model, fitGames, hooks);
        try
        {
            using Tensor baseLogits = LastLogits(model, chosen, null);
            double without = MeanErrors(baseLogits, chosen);
            var results = new List<BoardEditResult>();
            var random = new Generator(seed);
            foreach (string hook in hooks)
            {
                using var scope = NewDisposeScope();
                using LinearProbe probe = LinearProbe.Fit(features[hook], labels, 3);
                Tensor residuals = LastValues(model, chosen, hook);                                // [cases, d]
                var edits = new Tensor[chosen.Length];
                var controls = new Tensor[chosen.Length];
                Tensor logits = probe.Logits(residuals);                                         // [cases, 64, 3]
                for (int i = 0; i < chosen.Length; i++)
                {
                    Case c = chosen[i];
                    int from = (int)c.From, to = c.From == OthelloRelativeCell.Mine ? (int)OthelloRelativeCell.Theirs : (int)OthelloRelativeCell.Mine;
                    Tensor direction = probe.Direction(c.Square, from, to);
                    double gap = (logits[i, c.Square, to] - logits[i, c.Square, from]).item<float>();
                    double alpha = (Math.Max(margin, -gap) - gap) / direction.square().sum().item<float>();
                    edits[i] = direction * alpha;
                    Tensor noise = randn(direction.shape, generator: random);
                    controls[i] = noise * (edits[i].norm() / noise.norm());
                }
                using Tensor edited = LastLogits(model, chosen, (hook, edits));
                using Tensor control = LastLogits(model, chosen, (hook, controls));
                results.Add(new BoardEditResult(hook, chosen.Length, without, MeanErrors(edited, chosen), MeanErrors(control, chosen)));
            }
            return results;
        }
        finally
        {
            foreach (Tensor t in features.Values) t.Dispose();
            labels.Dispose();
        }
    }

    // A random position of each game (with a next move), and a random occupied square whose flip changes the legal
    // moves of the side to move and leaves at least one.
    private static Case[] ChooseCases(IReadOnlyList<OthelloGame> games, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var cases = new List<Case>();
        foreach (OthelloGame game in games)
        {
            if (cases.Count == count) break;
            int[] tokens = OthelloVocabulary.Encode(game);
            OthelloBoardState[] states = OthelloVocabulary.StatesAfterEachMove(game);
            if (tokens.Length < 2) continue;
            int position = (int)(random.NextUInt64() % (ulong)(tokens.Length - 1));
            OthelloBoard board = states[position].Board;
            ulong occupied = board.Mine | board.Theirs;
            int[] squares = [.. Enumerable.Range(0, 64).Where(s => (occupied >> s & 1) != 0)];
            for (int i = squares.Length - 1; i > 0; i--)
            {
                int j = (int)(random.NextUInt64() % (ulong)(i + 1));
                (squares[i], squares[j]) = (squares[j], squares[i]);
            }
            foreach (int square in squares)
            {
                ulong bit = 1UL << square;
                bool mine = (board.Mine & bit) != 0;
                var edited = mine ? new OthelloBoard(board.Mine & ~bit, board.Theirs | bit, board.SideToMove)
                                  : new OthelloBoard(board.Mine | bit, board.Theirs & ~bit, board.SideToMove);
                if (edited.LegalMoves == board.LegalMoves || edited.LegalMoves == 0) continue;
                cases.Add(new Case([.. tokens.Take(position + 1).Select(t => (long)t)], square,
                    mine ? OthelloRelativeCell.Mine : OthelloRelativeCell.Theirs, edited.LegalMoves));
                break;
            }
        }
        return [.. cases];
    }

    // Errors: how many of the top-N moves (N = the edited board's legal-move count) are not legal on the edited board.
    private static double MeanErrors(Tensor lastLogits, Case[] cases)
    {
        double total = 0;
        for (int i = 0; i < cases.Length; i++)
        {
            int n = BitOperations.PopCount(cases[i].EditedLegal);
            using Tensor top = lastLogits[i].narrow(0, 1, OthelloVocabulary.Size - 1).topk(n).indexes;   // ids 1..60: skip the pad
            total += top.data<long>().ToArray().Count(id => (cases[i].EditedLegal >> OthelloVocabulary.SquareOf((int)id + 1) & 1) == 0);
        }
        return total / cases.Length;
    }

    // The residual at the last position of every case [cases, d].
    private static Tensor LastValues(TransformerModel model, Case[] cases, string hook)
    {
        var trace = new Trace(model);
        for (int i = 0; i < cases.Length; i++) trace.Save($"v{i}", trace.Input(cases[i].Tokens).Hook(hook).Value[0, ^1]);
        using TraceResult result = trace.Run();
        return stack([.. Enumerable.Range(0, cases.Length).Select(i => result[$"v{i}"])]);
    }

    // Logits at the last position of every case [cases, vocabulary], with an optional vector added at a hook's last position.
    private static Tensor LastLogits(TransformerModel model, Case[] cases, (string Hook, Tensor[] Vectors)? edit)
    {
        using var scope = NewDisposeScope();
        var trace = new Trace(model);
        for (int i = 0; i < cases.Length; i++)
        {
            TraceInput input = trace.Input(cases[i].Tokens);
            if (edit is { } e) input.Hook(e.Hook).Positions(^1).Add(trace.Constant(e.Vectors[i]));
            trace.Save($"l{i}", input.Logits.Value[0, ^1]);
        }
        using TraceResult result = trace.Run();
        return stack([.. Enumerable.Range(0, cases.Length).Select(i => result[$"l{i}"])]).MoveToOuterDisposeScope();
    }
}
