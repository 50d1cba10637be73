namespace SharpSight.Games.Training;

/// <summary>What a game model learns to predict.</summary>
public enum TrainingObjective
{
    /// <summary>The next move of the game (the paper's objective).</summary>
    NextToken,
    /// <summary>
    /// The legal-move distribution: a soft target uniform over the legal next moves, next-token prediction's optimum on
    /// random games, with far less gradient noise.
    /// </summary>
    LegalMoves,
}

/// <summary>Optimisation settings of a training run. The seed fixes the data order, so a resumed run repeats exactly.</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimiser steps in the whole run.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Games per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Steps of linear warmup from 0 to the peak.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>The cosine decay ends at this fraction of the peak.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.1;

    /// <summary>AdamW weight decay (matrices only).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Clip the global gradient norm to this value (0 = no clipping).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Objective.</summary>
    public TrainingObjective Objective { get; init; } = TrainingObjective.NextToken;

    /// <summary>Seed of the data order.</summary>
    public ulong Seed { get; init; }

    /// <summary>Write a checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>Learning rate at a step: linear warmup, then cosine decay to the final fraction.</summary>
    public double LearningRateAt(long step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = Steps <= WarmupSteps ? 1 : Math.Min(1.0, (step - WarmupSteps) / (double)Math.Max(1, Steps - WarmupSteps));
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return LearningRate * (FinalLearningRateFraction + (1 - FinalLearningRateFraction) * cosine);
    }
}

/// <summary>Where a run is, for progress display.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Loss">Loss of the last step.</param>
/// <param name="TokensPerSecond">Training throughput since the run (or resumption) started.</param>
/// <param name="Remaining">Estimated time to the end.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double TokensPerSecond, TimeSpan Remaining);
