using SharpSight.Games.Chess;
using SharpSight.Models.Generation;

namespace SharpSight.Games.Training;

/// <summary>
/// Seeded random legal chess games for training: from the standard start, each move is drawn uniformly from the legal
/// moves, until checkmate, stalemate, insufficient material or a ply cap (a character-level model only ever sees the
/// first context-width characters, so playing further is wasted work). Game i is played from its own SplitMix64 stream,
/// seeded from the i-th output of SplitMix64(seed), so a seed gives the same games everywhere.
/// </summary>
public static class ChessTrainingGames
{
    /// <summary><paramref name="count"/> random games, generated lazily.</summary>
    /// <param name="count">Number of games.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="maxPlies">Stop a game after this many plies.</param>
    public static IEnumerable<PgnGame> Random(int count, ulong seed, int maxPlies)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPlies);
        return RandomIterator(count, seed, maxPlies);
    }

    /// <summary>
    /// The games of a transcripts file: one ";1.e4 e5 2.Nf3 …" per line (PGN movetext is accepted too); blank lines are
    /// skipped. A line that is not a legal game is an error naming the file and line.
    /// </summary>
    public static IReadOnlyList<PgnGame> ReadTranscripts(string path)
    {
        var games = new List<PgnGame>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line)) games.Add(Transcript.ParseGame(line, source: $"{path}:{number}"));
        }
        return games;
    }

    /// <summary>Plies that certainly fill a transcript window of <paramref name="width"/> characters (every ply takes at least 3: "e4 ").</summary>
    public static int PliesToFill(int width) => width / 3 + 2;

    private static IEnumerable<PgnGame> RandomIterator(int count, ulong seed, int maxPlies)
    {
        var seeds = new SplitMix64(seed);
        for (int i = 0; i < count; i++) yield return Play(new SplitMix64(seeds.NextUInt64()), maxPlies);
    }

    private static PgnGame Play(SplitMix64 random, int maxPlies)
    {
        var moves = new List<Move>();
        Position position = Position.Start;
        Span<Move> legal = stackalloc Move[Position.MaxMoves];
        while (moves.Count < maxPlies && !position.IsInsufficientMaterial)
        {
            int n = position.GenerateLegalMoves(legal);
            if (n == 0) break;                                           // checkmate or stalemate
            Move move = legal[(int)(random.NextUInt64() % (ulong)n)];    // modulo bias below 2^-56: irrelevant here
            moves.Add(move);
            position = position.Play(move);
        }
        return new PgnGame(moves);
    }
}
