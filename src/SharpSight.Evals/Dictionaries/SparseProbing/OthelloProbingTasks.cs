using SharpSight.Games.Othello;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.SparseProbing;

/// <summary>Which Othello probing tasks to make.</summary>
public sealed record OthelloProbingTaskOptions
{
    /// <summary>Add "othello_to_move": whether black or white moves next.</summary>
    public bool ToMove { get; init; } = true;

    /// <summary>
    /// Squares of the "othello_mine_X" tasks (X holds a disc of the player to move vs. not). Default: c3, f3, c6, f6, the
    /// diagonal neighbours of the centre. They are occupied from the first few moves of most games, so "not mine" is mostly
    /// "theirs" rather than "empty" (the task is about colour, not occupancy), and being next to the centre they are flipped
    /// often, so their colour has to be tracked through the game rather than read off the move that filled them.
    /// </summary>
    public IReadOnlyList<string> MineSquares { get; init; } = ["c3", "f3", "c6", "f6"];

    /// <summary>
    /// Squares of the "othello_legal_X" tasks (X is a legal move for the player to move vs. not). Default: c2, b6, g3, f7,
    /// second-ring squares (one from the edge, off the corner diagonals) that become legal in the middle game, when a disc
    /// of the opponent lies next to them with one of the mover's behind it, and stay empty long enough to be legal often;
    /// squares adjacent to the centre would mostly be legal in the opening only, which a probe could learn as "early game".
    /// </summary>
    public IReadOnlyList<string> LegalSquares { get; init; } = ["c2", "b6", "g3", "f7"];
}

/// <summary>
/// Sparse-probing datasets from Othello games: one example per sampled position (a move of a game), its activation the
/// model's value at the hook at that move's token, its label a property of the board after the move. Classes are
/// balanced when sampled, as SAEBench's datasets are (each class gets half of the examples). Each example's
/// <see cref="ProbingSplit.Sources"/> entry is "game G, move M": the index of the game in its list and the 0-based move.
/// </summary>
public static class OthelloProbingTasks
{
    private sealed record Task(string Name, string[] ClassNames, Func<OthelloBoard, int> Label);

    /// <summary>
    /// The tasks of <paramref name="tasks"/> (default: whose turn, four "mine" squares, four "legal" squares), with
    /// <paramref name="trainExamples"/> positions from <paramref name="trainGames"/> and <paramref name="testExamples"/>
    /// from <paramref name="testGames"/> each. The caller owns (disposes) the datasets.
    /// </summary>
    /// <exception cref="ArgumentException">Too few games, a class with no position, an unknown square or hook.</exception>
    public static IReadOnlyList<ProbingDataset> Create(TransformerModel model, string hook, IReadOnlyList<OthelloGame> trainGames, IReadOnlyList<OthelloGame> testGames,
        int trainExamples = 4000, int testExamples = 1000, int seed = 0, OthelloProbingTaskOptions? tasks = null)
    {
        HookActivations.Check(model, hook);
        if (model.Config.VocabSize < OthelloVocabulary.Size)
            throw new ArgumentException($"model: vocabulary {model.Config.VocabSize} is smaller than the Othello vocabulary ({OthelloVocabulary.Size})");
        if (trainGames.Count == 0 || testGames.Count == 0) throw new ArgumentException($"need train and test games, got {trainGames.Count} and {testGames.Count}");
        if (trainExamples < 2) throw new ArgumentException($"trainExamples must be at least 2, got {trainExamples}");
        if (testExamples < 2) throw new ArgumentException($"testExamples must be at least 2, got {testExamples}");
        Task[] taskList = Tasks(tasks ?? new OthelloProbingTaskOptions());

        var train = new Split(trainGames);
        var test = new Split(testGames);
        var trainSamples = taskList.Select((t, i) => train.Sample(t, trainExamples, seed * 7919 + 2 * i)).ToArray();
        var testSamples = taskList.Select((t, i) => test.Sample(t, testExamples, seed * 7919 + 2 * i + 1)).ToArray();
        using Tensor trainRows = train.Activations(model, hook, trainSamples);
        using Tensor testRows = test.Activations(model, hook, testSamples);

        var datasets = new List<ProbingDataset>();
        for (int i = 0; i < taskList.Length; i++)
            datasets.Add(new ProbingDataset(taskList[i].Name, train.Select(trainRows, trainSamples[i]), test.Select(testRows, testSamples[i]), taskList[i].ClassNames));
        return datasets;
    }

    private static Task[] Tasks(OthelloProbingTaskOptions options)
    {
        var tasks = new List<Task>();
        if (options.ToMove) tasks.Add(new Task("othello_to_move", ["black", "white"], b => b.SideToMove == OthelloColor.Black ? 0 : 1));
        foreach (string name in options.MineSquares)
        {
            ulong bit = 1UL << ParseSquare(name, "MineSquares");
            tasks.Add(new Task($"othello_mine_{name.ToLowerInvariant()}", ["mine", "not_mine"], b => (b.Mine & bit) != 0 ? 0 : 1));
        }
        foreach (string name in options.LegalSquares)
        {
            ulong bit = 1UL << ParseSquare(name, "LegalSquares");
            tasks.Add(new Task($"othello_legal_{name.ToLowerInvariant()}", ["legal", "not_legal"], b => (b.LegalMoves & bit) != 0 ? 0 : 1));
        }
        if (tasks.Count == 0) throw new ArgumentException("tasks: no task chosen");
        if (tasks.Select(t => t.Name).Distinct().Count() != tasks.Count) throw new ArgumentException("tasks: a square is listed twice");
        return [.. tasks];
    }

    private static int ParseSquare(string name, string field) =>
        OthelloSquare.TryParse(name, out int square) ? square : throw new ArgumentException($"{field}: '{name}' is not a square a1..h8");

    /// <summary>The positions of a set of games: every move of every game, with its board.</summary>
    private sealed class Split(IReadOnlyList<OthelloGame> games)
    {
        private readonly OthelloBoard[][] _boards = [.. games.Select(g => OthelloVocabulary.StatesAfterEachMove(g).Select(s => s.Board).ToArray())];
        private readonly Dictionary<(int Game, int Move), int> _rowOf = [];

        // Up to count / classes positions of each class, drawn without replacement; a class with fewer gives all it has.
        public (int Game, int Move, int Label)[] Sample(Task task, int count, int seed)
        {
            var byClass = task.ClassNames.Select(_ => new List<(int, int)>()).ToArray();
            for (int g = 0; g < _boards.Length; g++)
                for (int m = 0; m < _boards[g].Length; m++) byClass[task.Label(_boards[g][m])].Add((g, m));
            var random = new Random(seed);
            var chosen = new List<(int, int, int)>();
            for (int c = 0; c < byClass.Length; c++)
            {
                if (byClass[c].Count == 0)
                    throw new ArgumentException($"task {task.Name}: no position of class '{task.ClassNames[c]}' in {games.Count} games; use more games");
                (int, int)[] positions = [.. byClass[c]];
                random.Shuffle(positions);
                chosen.AddRange(positions.Take(count / byClass.Length).Select(p => (p.Item1, p.Item2, c)));
            }
            return [.. chosen];
        }

        // Activations of every sampled position (each once), and where each one's row is.
        public Tensor Activations(TransformerModel model, string hook, IEnumerable<(int Game, int Move, int Label)[]> samples)
        {
            var moves = samples.SelectMany(s => s).Select(s => (s.Game, s.Move)).Distinct().GroupBy(p => p.Game).OrderBy(g => g.Key).ToArray();
            var sequences = new List<int[]>();
            var keep = new List<int[]>();
            foreach (var game in moves)
            {
                int[] kept = [.. game.Select(p => p.Move).Order()];
                foreach (int move in kept) _rowOf[(game.Key, move)] = _rowOf.Count;
                sequences.Add(OthelloVocabulary.Encode(games[game.Key]).AsSpan(0, kept[^1] + 1).ToArray());
                keep.Add(kept);
            }
            return HookActivations.Collect(model, hook, sequences, keep, OthelloVocabulary.Pad);
        }

        public ProbingSplit Select(Tensor rows, (int Game, int Move, int Label)[] sample)
        {
            using var scope = NewDisposeScope();
            Tensor index = tensor(sample.Select(s => (long)_rowOf[(s.Game, s.Move)]).ToArray());
            return ProbingSplit.OnePerExample(rows.index_select(0, index).MoveToOuterDisposeScope(), [.. sample.Select(s => s.Label)],
                [.. sample.Select(s => $"game {s.Game}, move {s.Move}")]);
        }
    }
}
