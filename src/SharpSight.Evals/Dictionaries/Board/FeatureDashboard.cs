namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>One top-activating test position of a feature.</summary>
/// <param name="Game">Index of the game among the test games.</param>
/// <param name="Position">Token position in the game (Othello: move index; chess: character index of the '.').</param>
/// <param name="Value">The feature's activation there.</param>
/// <param name="Tokens">The game's tokens up to and including <paramref name="Position"/> (Othello: move names; chess: characters).</param>
/// <param name="Activations">The feature's activation at each of those tokens.</param>
/// <param name="ToMove">"black" or "white": the player to move next.</param>
/// <param name="Board">Othello: 64 characters 'B', 'W', '.' by square index (a1 = 0, h1 = 7, a8 = 56); null for chess.</param>
/// <param name="Legal">Othello: the legal moves of the player to move next; null for chess.</param>
/// <param name="Fen">Chess: the position's FEN; null for Othello.</param>
public sealed record DashboardContext(int Game, int Position, double Value, IReadOnlyList<string> Tokens, IReadOnlyList<double> Activations,
    string ToMove, string? Board, IReadOnlyList<string>? Legal, string? Fen);

/// <summary>What one feature does on the test games: how often and how strongly it fires, the property it classifies best, and where it fires most.</summary>
/// <param name="Feature">Feature index.</param>
/// <param name="Density">Share of test positions where it is not zero.</param>
/// <param name="MaxActivation">Its largest test activation.</param>
/// <param name="BestProperty">The property it was chosen for (it is that property's best classifier).</param>
/// <param name="BestGroup">That property's group.</param>
/// <param name="BestF1">The training F1 of that classifier.</param>
/// <param name="BestThreshold">Its threshold.</param>
/// <param name="HistogramEdges">Bin edges of the histogram of its non-zero test activations (bins + 1).</param>
/// <param name="HistogramCounts">Activations per bin.</param>
/// <param name="Contexts">Its top-activating test positions, highest first.</param>
public sealed record FeatureDashboard(int Feature, double Density, double MaxActivation, string BestProperty, string BestGroup, double BestF1, double? BestThreshold,
    IReadOnlyList<double> HistogramEdges, IReadOnlyList<long> HistogramCounts, IReadOnlyList<DashboardContext> Contexts);
