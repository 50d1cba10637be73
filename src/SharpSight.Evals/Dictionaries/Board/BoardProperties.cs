using static TorchSharp.torch;

namespace SharpSight.Evals.Dictionaries.Board;

/// <summary>
/// Named binary board-state properties (Karvonen et al. 2024's "BSPs") of a set of positions: property g of position x is
/// <see cref="Values"/>[x, g]. Each property belongs to a group ("mine", "white_pawn", …) and is either scored in board
/// reconstruction or only reported (e.g. empty squares, which the paper does not score). Owns <see cref="Values"/>.
/// </summary>
public sealed class BoardProperties : IDisposable
{
    /// <summary>Creates the properties of <c>values.shape[0]</c> positions.</summary>
    /// <param name="names">One name per property, e.g. "mine d3".</param>
    /// <param name="groups">The group of each property, e.g. "mine".</param>
    /// <param name="scored">Whether each property counts in board reconstruction (and in the headline coverage).</param>
    /// <param name="values">[positions, properties] bool; this object takes it over and disposes it.</param>
    /// <param name="coverageSlots">The denominator of the original coverage formula (<see cref="CoverageSlots"/>); null: the number of scored properties.</param>
    public BoardProperties(IReadOnlyList<string> names, IReadOnlyList<string> groups, IReadOnlyList<bool> scored, Tensor values, int? coverageSlots = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(values);
        if (groups.Count != names.Count) throw new ArgumentException($"groups has {groups.Count} entries, names has {names.Count}");
        if (scored.Count != names.Count) throw new ArgumentException($"scored has {scored.Count} entries, names has {names.Count}");
        if (values.dim() != 2 || values.shape[1] != names.Count)
            throw new ArgumentException($"values must be [positions, {names.Count}], got [{string.Join(", ", values.shape)}]");
        if (values.dtype != ScalarType.Bool) throw new ArgumentException($"values must be bool, got {values.dtype}");
        Names = [.. names];
        Groups = [.. groups];
        Scored = [.. scored];
        int scoredCount = Scored.Count(s => s);
        if (coverageSlots is { } slots && slots < scoredCount)
            throw new ArgumentException($"coverageSlots must be at least the {scoredCount} scored properties, got {slots}");
        CoverageSlots = coverageSlots ?? scoredCount;
        Values = values;
    }

    /// <summary>Builds the tensor from a row-major array of <paramref name="positions"/> × names.Count flags.</summary>
    public static BoardProperties FromFlags(IReadOnlyList<string> names, IReadOnlyList<string> groups, IReadOnlyList<bool> scored, bool[] flags, long positions,
        int? coverageSlots = null)
    {
        ArgumentNullException.ThrowIfNull(flags);
        if (flags.LongLength != positions * names.Count)
            throw new ArgumentException($"flags has {flags.LongLength} entries, expected {positions} positions x {names.Count} properties");
        return new BoardProperties(names, groups, scored, tensor(flags, [positions, names.Count]).DetachFromDisposeScope(), coverageSlots);
    }

    /// <summary>Property names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The group of each property.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Whether each property is scored in board reconstruction and the headline coverage.</summary>
    public IReadOnlyList<bool> Scored { get; }

    /// <summary>
    /// The denominator of SAE_BoardGameEval's coverage formula (<see cref="BoardMetrics.CoverageOriginal"/>): the (square,
    /// class) slots of the original board-state function, of which only the scored ones can score. Othello: 192, the
    /// mine / yours / blank one-hot of 64 squares whose blank class the original zeroes but still counts (so its coverage is
    /// at most 2/3); chess: the 768 piece slots, its blank class being dropped. Defaults to the number of scored properties.
    /// </summary>
    public int CoverageSlots { get; }

    /// <summary>[positions, properties] bool.</summary>
    public Tensor Values { get; }

    /// <summary>Number of properties (G).</summary>
    public int Count => Names.Count;

    /// <summary>Number of positions.</summary>
    public long Positions => Values.shape[0];

    /// <summary>The distinct groups in order of first appearance.</summary>
    public IReadOnlyList<string> GroupNames => [.. Groups.Distinct()];

    /// <inheritdoc />
    public void Dispose() => Values.Dispose();
}
