using SharpSight.Dictionaries;
using SharpSight.Evals.Probing;
using SharpSight.Games.Othello;
using SharpSight.Models.Modules;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// The board-state metrics (Karvonen et al. 2024; <see cref="FeatureClassifiers"/>) of dictionaries on an Othello model:
/// the model is read at every move (<see cref="OthelloBoardProperties"/>) of the training and test games, activations are
/// collected once (a batch of games per forward pass) and every dictionary is scored on them.
/// </summary>
public static class OthelloBoardEvaluation
{
    /// <summary>One result per dictionary, in order.</summary>
    /// <param name="model">An Othello model over <see cref="OthelloVocabulary"/>.</param>
    /// <param name="hook">The [batch, pos, d] hook point the dictionaries read, e.g. "blocks.3.hook_resid_post".</param>
    /// <param name="dictionaries">Dictionaries of that hook's activations.</param>
    /// <param name="trainGames">Games the classifiers are chosen on (the paper: 1,000).</param>
    /// <param name="testGames">Games reconstruction is measured on (the paper: 1,000).</param>
    /// <param name="options">Thresholds, classifier rules, dashboards.</param>
    /// <param name="progress">Receives a line per stage.</param>
    public static IReadOnlyList<BoardResult> Run(TransformerModel model, string hook, IReadOnlyList<SparseDictionary> dictionaries,
        IReadOnlyList<OthelloGame> trainGames, IReadOnlyList<OthelloGame> testGames, BoardEvalOptions? options = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainGames);
        ArgumentNullException.ThrowIfNull(testGames);
        return BoardEvaluationRunner.Run(model, hook, dictionaries, new OthelloGameSplit(trainGames), new OthelloGameSplit(testGames),
            OthelloVocabulary.Size, options, progress);
    }

    /// <summary>
    /// The linear-probe reference row: per square a 3-class probe (empty / mine / theirs) and a 2-class legal-move probe
    /// (<see cref="LinearProbe"/>), fitted on the training games; their test predictions are the classifiers
    /// (<see cref="FeatureClassifiers.EvaluatePredictions"/>, so coverage and reconstruction are both on the test games).
    /// </summary>
    public static BoardResult RunProbe(TransformerModel model, string hook, IReadOnlyList<OthelloGame> trainGames, IReadOnlyList<OthelloGame> testGames,
        ProbeOptions? probeOptions = null, BoardEvalOptions? options = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainGames);
        ArgumentNullException.ThrowIfNull(testGames);
        return BoardEvaluationRunner.RunProbe(model, hook, new OthelloGameSplit(trainGames), new OthelloGameSplit(testGames), OthelloVocabulary.Size,
            probeOptions, options, progress);
    }
}
