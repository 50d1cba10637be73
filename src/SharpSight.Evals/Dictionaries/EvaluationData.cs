using System.Text.Json.Nodes;
using SharpSight.Dictionaries;
using SharpSight.Evals.Dictionaries.Board;
using SharpSight.Evals.Dictionaries.SparseProbing;
using SharpSight.Games.Othello;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;
using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries;

/// <summary>
/// What the evaluations of one kind of model read: token windows for the core metrics, board games for the board
/// metrics, labelled examples for sparse probing. An evaluation the data cannot feed is refused with a one-line error.
/// </summary>
public interface IEvaluationData
{
    /// <summary>Describes the data for eval_config (games, seeds, files).</summary>
    JsonObject Describe();

    /// <summary>Token windows [B, T] (int64, every position a real token) for the core metrics; disposed by the caller after use.</summary>
    IEnumerable<Tensor> CoreBatches(TransformerModel model);

    /// <summary>Board metrics of each dictionary, in order.</summary>
    IReadOnlyList<BoardResult> Board(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries, BoardEvalOptions options, IProgress<string>? progress);

    /// <summary>The linear-probe reference row of the board metrics.</summary>
    BoardResult BoardProbe(TransformerModel model, string hook, BoardEvalOptions options, IProgress<string>? progress);

    /// <summary>Sparse-probing datasets at <paramref name="hook"/> (the caller disposes them).</summary>
    IReadOnlyList<ProbingDataset> ProbingDatasets(TransformerModel model, string hook);
}

/// <summary>
/// Othello: the board metrics fit on <paramref name="trainGames"/> and score on <paramref name="testGames"/>; the core
/// metrics read the test games that fill the model's context (shorter games end in padding, which the cross-entropy
/// would otherwise score), 64 games per batch; the sparse-probing tasks (whose turn, squares that are mine, legal moves;
/// <see cref="OthelloProbingTasks"/>) sample positions from both.
/// </summary>
public sealed class OthelloEvaluationData(IReadOnlyList<OthelloGame> trainGames, IReadOnlyList<OthelloGame> testGames) : IEvaluationData
{
    private const int BatchGames = 64;

    /// <inheritdoc />
    public JsonObject Describe() => new() { ["game"] = "othello", ["train_games"] = trainGames.Count, ["test_games"] = testGames.Count };

    /// <inheritdoc />
    public IEnumerable<Tensor> CoreBatches(TransformerModel model)
    {
        int context = Math.Min(OthelloGame.MaxMoves, model.Config.MaxPositions);
        int[][] full = [.. testGames.Where(g => g.MoveCount >= context).Select(g => OthelloVocabulary.Encode(g)[..context])];
        if (full.Length == 0) throw new ArgumentException($"none of the {testGames.Count} test games has {context} moves; the core metrics need full-length games");
        for (int start = 0; start < full.Length; start += BatchGames)
        {
            long[] ids = [.. full.Skip(start).Take(BatchGames).SelectMany(g => g.Select(t => (long)t))];
            yield return tensor(ids).view(-1, context);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<BoardResult> Board(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries, BoardEvalOptions options, IProgress<string>? progress) =>
        OthelloBoardEvaluation.Run(model, hook, dictionaries, trainGames, testGames, options, progress);

    /// <inheritdoc />
    public BoardResult BoardProbe(TransformerModel model, string hook, BoardEvalOptions options, IProgress<string>? progress) =>
        OthelloBoardEvaluation.RunProbe(model, hook, trainGames, testGames, options: options, progress: progress);

    /// <inheritdoc />
    public IReadOnlyList<ProbingDataset> ProbingDatasets(TransformerModel model, string hook) =>
        OthelloProbingTasks.Create(model, hook, trainGames, testGames);
}

/// <summary>
/// Models read as token windows (text corpora, chess transcripts): the core metrics read full windows
/// (<paramref name="coreWindows"/>, already cut to the context); sparse probing reads a labelled JSON Lines file
/// (SAEBench's text datasets: mean-pooled activations). The board metrics here are Othello's; a chess model's are
/// <see cref="ChessBoardEvaluation"/>'s, which read games rather than windows.
/// </summary>
public sealed class TokenWindowEvaluationData(IReadOnlyList<long[]> coreWindows, string coreDescription, string? probingFile, ITokenizer? tokenizer) : IEvaluationData
{
    private const int BatchWindows = 16;

    /// <inheritdoc />
    public JsonObject Describe() => new() { ["dataset"] = coreDescription, ["windows"] = coreWindows.Count, ["probing_dataset"] = probingFile };

    /// <inheritdoc />
    public IEnumerable<Tensor> CoreBatches(TransformerModel model)
    {
        if (coreWindows.Count == 0) throw new ArgumentException($"{coreDescription}: no full-length windows for the core metrics");
        int context = coreWindows[0].Length;
        for (int start = 0; start < coreWindows.Count; start += BatchWindows)
            yield return tensor([.. coreWindows.Skip(start).Take(BatchWindows).SelectMany(w => w)]).view(-1, context);
    }

    /// <inheritdoc />
    public IReadOnlyList<BoardResult> Board(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries, BoardEvalOptions options, IProgress<string>? progress) =>
        throw new ArgumentException("the board metrics here need an Othello model (for a chess model use ChessBoardEvaluation from the library)");

    /// <inheritdoc />
    public BoardResult BoardProbe(TransformerModel model, string hook, BoardEvalOptions options, IProgress<string>? progress) =>
        throw new ArgumentException("the board metrics here need an Othello model (for a chess model use ChessBoardEvaluation from the library)");

    /// <inheritdoc />
    public IReadOnlyList<ProbingDataset> ProbingDatasets(TransformerModel model, string hook) =>
        probingFile is null || tokenizer is null
            ? throw new ArgumentException("sparse probing of a text model needs a labelled JSONL dataset (--probe-data FILE, fields text and label)")
            : [TextProbingDatasets.FromJsonl(probingFile, model, tokenizer, hook)];
}
