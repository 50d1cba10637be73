namespace SharpSight.Games.Chess.Datasets;

/// <summary>A named opening line from the standard start, such as a row of the lichess openings table.</summary>
/// <param name="Eco">The ECO code ("C60").</param>
/// <param name="Name">The opening's name ("Ruy Lopez").</param>
/// <param name="Moves">The line's moves.</param>
public sealed record ChessOpening(string Eco, string Name, IReadOnlyList<Move> Moves);
