using System.Numerics;
using SharpSight.Games.Othello;
using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Tracing.Api;
using SharpSight.Tracing.Execution;
using static TorchSharp.torch;

namespace SharpSight.Evals.Probing;

/// <summary>
/// The effect of editing the model's board from one layer on: mean errors of its top-N moves against the edited board's
/// N legal moves, without the edit, with the probe edit, and with a random edit of the same size.
/// </summary>
/// <param name="Hook">The first hook point edited (the edit is repeated at every later one given).</param>
/// <param name="Cases">Positions edited.</param>
/// <param name="ErrorsWithoutEdit">Mean errors of the unedited model against the edited board (its legal moves differ from the real board's).</param>
/// <param name="ErrorsWithEdit">Mean errors after the probe-direction edit.</param>
/// <param name="ErrorsWithRandomEdit">Mean errors after adding random directions of the same norms (control).</param>
public sealed record BoardEditResult(string Hook, int Cases, double ErrorsWithoutEdit, double ErrorsWithEdit, double ErrorsWithRandomEdit);

/// <summary>
/// Causal test of the probed board (Li et al. 2023; Nanda et al. 2023): at a position, one occupied square whose colour
/// matters for the legal moves is flipped in the model's residual stream: at the first edited layer and at every later
/// one, the activation of the last position moves along its layer's probe direction until the probe reads the other
/// colour with at least a given logit margin. The model's top-N predicted moves are then compared with the N legal moves
/// of the edited board. The edit is an intervention graph: its size at each layer is computed in the graph from the
/// activation as edited upstream.
/// </summary>
public static class OthelloBoardEdit
{
    /// <summary>One position to edit: the game prefix, the square flipped and the edited board's legal moves.</summary>
    private sealed record Case(long[] Tokens, int Square, OthelloRelativeCell From, ulong EditedLegal);

    /// <summary>For each starting hook, edits <paramref name="cases"/> positions of <paramref name="testGames"/> from that hook to the last one.</summary>
    /// <param name="model">An Othello model.</param>
    /// <param name="probes">Board probes (empty / mine / theirs for 64 squares) of consecutive hook points in forward order, e.g. every blocks.L.hook_resid_post, from <see cref="OthelloBoardProbe.FitByHook"/>.</param>
    /// <param name="testGames">Games to draw positions from (not those the probes were fitted on).</param>
    /// <param name="cases">Positions to edit.</param>
    /// <param name="seed">Chooses positions, squares and the random control directions.</param>
    /// <param name="margin">The probe's logit margin for the new colour after the edit.</param>
    public static IReadOnlyList<BoardEditResult> ByHook(TransformerModel model, IReadOnlyList<KeyValuePair<string, LinearProbe>> probes, IReadOnlyList<OthelloGame> testGames,
        int cases, ulong seed, double margin = 4.0)
    {
        foreach (var (hook, probe) in probes)
            if (probe.Targets != 64 || probe.Classes != 3) throw new ArgumentException($"the probe at {hook} is not a board probe (64 squares x 3 classes)");
        Case[] chosen = ChooseCases(testGames, cases, seed);
        if (chosen.Length == 0) throw new ArgumentException("no position of the test games has a square whose flip changes the legal moves");
        using Tensor baseLogits = LastLogits(model, chosen, [], margin, null);
        double without = MeanErrors(baseLogits, chosen);
        var random = new Generator(seed);
        var results = new List<BoardEditResult>();
        for (int first = 0; first < probes.Count; first++)
        {
            KeyValuePair<string, LinearProbe>[] fromHere = [.. probes.Skip(first)];
            using Tensor edited = LastLogits(model, chosen, fromHere, margin, null);
            using Tensor control = LastLogits(model, chosen, fromHere, margin, random);
            results.Add(new BoardEditResult(probes[first].Key, chosen.Length, without, MeanErrors(edited, chosen), MeanErrors(control, chosen)));
        }
        return results;
    }

    // Logits at the last position of every case [cases, vocabulary], with the given hooks edited (none: the unedited model);
    // with a generator, each edit goes along a random unit direction instead, scaled like the probe's edit.
    // Traces of at most ChunkSize inputs: every write of a multi-input trace copies the whole batch at its hook, so memory
    // grows with inputs x writes.
    private static Tensor LastLogits(TransformerModel model, Case[] cases, IReadOnlyList<KeyValuePair<string, LinearProbe>> edited, double margin,
        Generator? control)
    {
        const int ChunkSize = 25;
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>();
        foreach (Case[] chunk in cases.Chunk(ChunkSize))
        {
            var trace = new Trace(model);
            for (int i = 0; i < chunk.Length; i++)
            {
                TraceInput input = trace.Input(chunk[i].Tokens);
                foreach (var (hook, probe) in edited) EditAt(trace, input.Hook(hook).Positions(^1), probe, chunk[i], margin, control);
                trace.Save($"l{i}", input.Logits.Value[0, ^1]);
            }
            using TraceResult result = trace.Run();
            rows.AddRange(Enumerable.Range(0, chunk.Length).Select(i => result[$"l{i}"].clone()));
        }
        return stack(rows).MoveToOuterDisposeScope();
    }

    // x += relu(margin - gap(x)) / |u|^2 * u, where gap(x) = x.u + c is the probe's logit gap (new colour minus old) and u
    // its direction: the smallest move along u that gives the new colour the margin.
    private static void EditAt(Trace trace, HookRef region, LinearProbe probe, Case c, double margin, Generator? control)
    {
        int from = (int)c.From, to = c.From == OthelloRelativeCell.Mine ? (int)OthelloRelativeCell.Theirs : (int)OthelloRelativeCell.Mine;
        Tensor u = probe.Direction(c.Square, from, to);
        using Tensor zeroLogits = probe.Logits(zeros(1, u.shape[0]));
        double offset = (zeroLogits[0, c.Square, to] - zeroLogits[0, c.Square, from]).item<float>();
        double squaredNorm = u.square().sum().item<float>();
        TraceValue x = region.Value;                                                         // [1, 1, d]
        TraceValue gap = (x * trace.Constant(u)).Sum([-1], keepDim: true) + offset;          // [1, 1, 1]
        TraceValue size = (gap * -1.0 + margin).Relu() * (1 / squaredNorm);
        Tensor along = control is null ? u : RandomUnit(u.shape[0], control) * Math.Sqrt(squaredNorm);
        region.Add(size * trace.Constant(along));
    }

    private static Tensor RandomUnit(long size, Generator generator)
    {
        Tensor r = randn(size, generator: generator);
        return r / r.norm();
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
}
