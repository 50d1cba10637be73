using SharpSight.Dictionaries;
using SharpSight.Evals.Probing;
using SharpSight.Games.Chess;
using SharpSight.Models.Modules;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// The board-state metrics (Karvonen et al. 2024; <see cref="FeatureClassifiers"/>) of dictionaries on a character-level
/// chess model: each game is its transcript ";1.e4 e5 …" cut to the model's context, read at the '.' characters
/// (<see cref="ChessBoardProperties"/>), scored on the 12 piece planes. Each feature's max f (the unit of the thresholds)
/// is taken over the training read points; the original takes it over every character of its activation buffer.
/// </summary>
public static class ChessBoardEvaluation
{
    /// <summary>One result per dictionary, in order.</summary>
    /// <param name="model">A chess model over <see cref="ChessVocabulary"/>; its context width cuts the transcripts.</param>
    /// <param name="hook">The [batch, pos, d] hook point the dictionaries read.</param>
    /// <param name="dictionaries">Dictionaries of that hook's activations.</param>
    /// <param name="trainGames">Games the classifiers are chosen on.</param>
    /// <param name="testGames">Games reconstruction is measured on.</param>
    /// <param name="options">Thresholds, classifier rules, dashboards.</param>
    /// <param name="progress">Receives a line per stage.</param>
    public static IReadOnlyList<BoardResult> Run(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries,
        IReadOnlyList<PgnGame> trainGames, IReadOnlyList<PgnGame> testGames, BoardEvalOptions? options = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainGames);
        ArgumentNullException.ThrowIfNull(testGames);
        int width = model.Config.MaxPositions;
        return BoardEvaluationRunner.Run(model, hook, dictionaries, new ChessGameSplit(trainGames, width), new ChessGameSplit(testGames, width),
            ChessVocabulary.Size, options, progress);
    }

    /// <summary>The linear-probe reference row: per square a 13-class probe (empty or one of 12 pieces) fitted on the training games, scored on the test games.</summary>
    public static BoardResult RunProbe(TransformerModel model, string hook, IReadOnlyList<PgnGame> trainGames, IReadOnlyList<PgnGame> testGames,
        ProbeOptions? probeOptions = null, BoardEvalOptions? options = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainGames);
        ArgumentNullException.ThrowIfNull(testGames);
        int width = model.Config.MaxPositions;
        return BoardEvaluationRunner.RunProbe(model, hook, new ChessGameSplit(trainGames, width), new ChessGameSplit(testGames, width), ChessVocabulary.Size,
            probeOptions, options, progress);
    }
}
