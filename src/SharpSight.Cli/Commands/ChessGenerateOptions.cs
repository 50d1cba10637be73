using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpSight.Games.Chess;
using SharpSight.Games.Chess.Datasets;
using SharpSight.Games.Chess.Engines;

namespace SharpSight.Cli.Commands;

/// <summary>The chess options of `sharpsight games generate` and the generation they drive.</summary>
internal sealed class ChessGenerateOptions
{
    private readonly Option<string> _source = new("--source") { Description = "chess: random (uniform random legal moves) or stockfish (engine self-play)", DefaultValueFactory = _ => "random" };
    private readonly Option<string> _engine = new("--engine") { Description = "stockfish: the UCI engine binary", DefaultValueFactory = _ => UciEngine.DefaultPath };
    private readonly Option<int> _skill = new("--skill") { Description = "stockfish: Skill Level 0..20 (below 20 the engine's own randomness makes games irreproducible)", DefaultValueFactory = _ => 20 };
    private readonly Option<int?> _depth = new("--depth") { Description = "stockfish: search depth per move (instead of --nodes)" };
    private readonly Option<long?> _nodes = new("--nodes") { Description = $"stockfish: nodes per move (default {ChessEngineGameOptions.DefaultNodes:N0})" };
    private readonly Option<string> _randomPlies = new("--random-plies") { Description = "stockfish: random plies before the engine plays, N or MIN..MAX", DefaultValueFactory = _ => "4..8" };
    private readonly Option<int> _maxPlies = new("--max-plies") { Description = "chess: ply cap; a capped game's result is *", DefaultValueFactory = _ => ChessRandomGameOptions.DefaultMaxPlies };
    private readonly Option<FileSystemInfo?> _openings = new("--openings") { Description = "chess: lichess openings table (eco<TAB>name<TAB>pgn .tsv file or folder); each game starts with a line drawn from it" };

    public IEnumerable<Option> All => [_source, _engine, _skill, _depth, _nodes, _randomPlies, _maxPlies, _openings];

    private IEnumerable<Option> EngineOnly => [_engine, _skill, _depth, _nodes, _randomPlies];

    /// <summary>Refuses chess options given for another game.</summary>
    public void RefuseAll(ParseResult parsed, string game)
    {
        foreach (Option option in All)
            if (Given(parsed, option)) throw new ArgumentException($"{option.Name} is a chess option; it does not apply to {game}");
    }

    public void Generate(ParseResult parsed, int count, ulong seed, string path, TextWriter output)
    {
        int maxPlies = parsed.GetValue(_maxPlies);
        if (maxPlies < 1) throw new ArgumentException($"--max-plies must be positive, got {maxPlies}");
        IReadOnlyList<ChessOpening> openings = parsed.GetValue(_openings) is { } table ? ChessOpenings.Read(table.FullName) : [];
        IEnumerable<ChessGame> games;
        string how;
        switch (parsed.GetValue(_source))
        {
            case "random":
                foreach (Option option in EngineOnly)
                    if (Given(parsed, option)) throw new ArgumentException($"{option.Name} applies to --source stockfish, not random");
                games = ChessRandomGames.Generate(count, seed, new ChessRandomGameOptions { MaxPlies = maxPlies, Openings = openings });
                how = "random";
                break;
            case "stockfish":
                var options = EngineOptions(parsed, maxPlies, openings);
                games = ChessEngineGames.Generate(count, seed, options);
                how = $"{options.EnginePath}, {options.Limit}, skill {options.SkillLevel}, {options.MinRandomPlies}..{options.MaxRandomPlies} random plies";
                break;
            case var other:
                throw new ArgumentException($"--source '{other}' is not one of random, stockfish");
        }
        var endings = new Dictionary<ChessTermination, int>();
        var watch = Stopwatch.StartNew();
        int written = ChessGameFile.Write(path, games.Select(g => { endings[g.Termination] = endings.GetValueOrDefault(g.Termination) + 1; return g; }));
        double seconds = watch.Elapsed.TotalSeconds;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"wrote {written} games to {path} ({new FileInfo(path).Length:N0} bytes, {written / seconds:N1} games/s; {how}{(openings.Count > 0 ? $", {openings.Count} openings" : "")})"));
        output.WriteLine("endings: " + string.Join(", ", endings.OrderBy(e => e.Key).Select(e => $"{ChessResults.Describe(e.Key)} {e.Value}")));
    }

    private ChessEngineGameOptions EngineOptions(ParseResult parsed, int maxPlies, IReadOnlyList<ChessOpening> openings)
    {
        int? depth = parsed.GetValue(_depth);
        long? nodes = parsed.GetValue(_nodes);
        if (depth is not null && nodes is not null) throw new ArgumentException("give --depth or --nodes, not both");
        SearchLimit limit = depth is { } d ? SearchLimit.Depth(d) : SearchLimit.Nodes(nodes ?? ChessEngineGameOptions.DefaultNodes);
        (int min, int max) = PlyRange(parsed.GetValue(_randomPlies)!);
        return new ChessEngineGameOptions
        {
            EnginePath = parsed.GetValue(_engine)!,
            Limit = limit,
            SkillLevel = parsed.GetValue(_skill),
            MinRandomPlies = min,
            MaxRandomPlies = max,
            MaxPlies = maxPlies,
            Openings = openings,
        };
    }

    /// <summary>"6" or "4..8".</summary>
    private static (int Min, int Max) PlyRange(string text)
    {
        string[] parts = text.Split("..");
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int min = int.Parse(parts[0], CultureInfo.InvariantCulture), max = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            if (min <= max) return (min, max);
        }
        throw new ArgumentException($"--random-plies '{text}' is not N or MIN..MAX (non-negative, MIN <= MAX)");
    }

    private static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };
}
