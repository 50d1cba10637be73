using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Modules;

namespace SharpSight.Games.Laboratory;

/// <summary>A legal-move rate measured on a set of games.</summary>
/// <param name="Source">What the games are (e.g. "held-out random games", "championship games").</param>
/// <param name="Games">Games scored.</param>
/// <param name="Positions">Positions scored (those with a next move).</param>
/// <param name="Rate">Share of positions whose top-1 predicted move is legal.</param>
public sealed record LegalMoveReport(string Source, int Games, long Positions, double Rate);

/// <summary>Legal-move rates of an Othello model on random games and on real (championship) games.</summary>
public static class LegalMoveEvaluation
{
    /// <summary>The legal-move rate on the given games.</summary>
    public static LegalMoveReport OnGames(TransformerModel model, IReadOnlyList<OthelloGame> games, string source)
    {
        if (games.Count == 0) throw new ArgumentException($"no {source} to score");
        var data = new OthelloTrainingData(games);
        long positions = data.PredictedPositions(Enumerable.Range(0, data.Count));
        return new LegalMoveReport(source, games.Count, positions, GameModelTrainer.LegalMoveRate(model, data));
    }

    /// <summary>The legal-move rate on seeded random games (held out when the seed differs from the training seed's).</summary>
    public static LegalMoveReport OnRandomGames(TransformerModel model, int games, ulong seed) =>
        OnGames(model, [.. OthelloRandomGames.Generate(games, seed)], "held-out random games");

    /// <summary>The legal-move rate on the first <paramref name="limit"/> games of the eOthello championship CSV (all when null).</summary>
    public static LegalMoveReport OnChampionshipGames(TransformerModel model, string csvPath, int? limit = null)
    {
        IEnumerable<OthelloGame> games = OthelloChampionshipCsv.Read(csvPath).Select(record => record.Game);
        if (limit is int count) games = games.Take(count);
        return OnGames(model, [.. games], "championship games");
    }
}
