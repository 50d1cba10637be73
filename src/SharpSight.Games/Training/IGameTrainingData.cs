using static TorchSharp.torch;

namespace SharpSight.Games.Training;

/// <summary>
/// Games as fixed-width training rows for <see cref="GameModelTrainer"/>: row r holds one game's tokens; the model reads
/// them causally and at each position predicts the next token. Positions without a next token are not trained.
/// </summary>
public interface IGameTrainingData
{
    /// <summary>Number of rows (games).</summary>
    int Count { get; }

    /// <summary>Tokens per row: the context the model is trained on.</summary>
    int Width { get; }

    /// <summary>Vocabulary size.</summary>
    int Vocabulary { get; }

    /// <summary>Positions of these rows that have a next token (the ones trained and counted in tokens/s).</summary>
    long PredictedPositions(IEnumerable<int> rows);

    /// <summary>Input ids [rows, Width] (int64).</summary>
    Tensor Inputs(IReadOnlyList<int> rows);

    /// <summary>Next-token targets [rows, Width] (int64): the next token's id, or -100 where there is none.</summary>
    Tensor NextTokens(IReadOnlyList<int> rows);
}

/// <summary>Training data that also knows every position's legal next moves, for <see cref="TrainingObjective.LegalMoves"/>.</summary>
public interface ILegalMoveTrainingData : IGameTrainingData
{
    /// <summary>Legal-move targets [rows, Width, Vocabulary]: uniform over the legal next moves (all zero where there is none).</summary>
    Tensor LegalMoveTargets(IReadOnlyList<int> rows);
}
