using SharpSight.Dictionaries.Tests.Reference;
using SharpSight.Dictionaries.Training;
using static SharpSight.Dictionaries.Tests.Reference.RefCases;
using static SharpSight.Dictionaries.Tests.Reference.RefMath;

namespace SharpSight.Dictionaries.Tests.Support;

/// <summary>The tiny problems the tests share (d_in 4, d_sae 6, batch 4), each chosen well away from every kink.</summary>
internal static class Cases
{
    public const int DIn = 4, DSae = 6, Rows = 4, K = 2, KAux = DIn / 2;

    /// <summary>Features the TopK-family tests count as dead (three, more than k_aux = 2, so AuxK must choose).</summary>
    public static readonly bool[] Dead = [false, true, false, true, true, false];

    public static RefMethod Ref(TrainingMethod method) => Enum.Parse<RefMethod>(method.ToString());

    /// <summary>ReLU: every |pre| ≥ 0.02, between 30% and 70% of the entries active.</summary>
    public static RefCase Relu(int firstSeed = 1) => Find("relu", DIn, DSae, Rows, (p, x) =>
    {
        double[][] pre = PreActivations(p, x);
        return MinAbs(pre) >= 0.02 && PositiveShare(pre) is >= 0.3 and <= 0.7;
    }, firstSeed: firstSeed);

    /// <summary>TopK (per row) or BatchTopK (over the batch): selection boundaries and the AuxK choice among dead features separated by ≥ 0.02.</summary>
    public static RefCase TopKFamily(bool perRow, int firstSeed = 1, Action<RefParams, double[][]>? adjust = null) =>
        Find(perRow ? "topk" : "batchtopk", DIn, DSae, Rows, (p, x) => TopKSeparated(p, x, perRow), adjust, firstSeed);

    public static bool TopKSeparated(RefParams p, double[][] x, bool perRow, double margin = 0.02)
    {
        double[][] pre = PreActivations(p, x);
        double[][] active = Map(pre, RefMath.Relu);
        if (MinAbs(pre) < margin) return false;
        bool selection = perRow
            ? active.All(row => BoundaryGap(row, K) >= margin && SortedDescending(row)[K - 1] >= margin)
            : BoundaryGap(active.SelectMany(r => r), K * Rows) >= margin && SortedDescending(active.SelectMany(r => r))[K * Rows - 1] >= margin;
        bool auxChoice = active.All(row =>
        {
            double[] dead = SortedDescending(row.Where((_, i) => Dead[i]));
            return dead[0] >= margin && (dead[KAux - 1] - dead[KAux] >= margin || dead[KAux - 1] == 0);
        });
        return selection && auxChoice;
    }

    /// <summary>
    /// JumpReLU with bandwidth ε = 0.1: θ placed so that some pre-activations lie within ε/2 of their threshold (the
    /// straight-through window), some between ε/2 and ε (outside the rectangle, inside a wrong kernel), none within 0.002
    /// of a threshold or 0.002 of a window edge.
    /// </summary>
    public static RefCase JumpRelu(double bandwidth)
    {
        double[] offsets = [-0.03, 0.02, -0.07, 0.04, -0.015, 0.08];
        return Find("jumprelu", DIn, DSae, Rows, (p, x) =>
        {
            double[][] pre = PreActivations(p, x);
            var u = pre.SelectMany(row => row.Select((v, i) => (v - p["threshold"][i]) / bandwidth)).ToList();
            return u.All(v => Math.Abs(v) * bandwidth >= 0.002 && Math.Abs(Math.Abs(v) - 0.5) * bandwidth >= 0.002)
                && u.Count(v => Math.Abs(v) < 0.5) >= 3 && u.Count(v => Math.Abs(v) is > 0.5 and < 1) >= 1
                && pre.SelectMany(row => row.Where((v, i) => v > p["threshold"][i])).Count() >= 4;
        }, adjust: (p, x) =>
        {
            double[][] pre = PreActivations(p, x);
            for (int i = 0; i < DSae; i++)
            {
                double anchor = pre[i % Rows][i];
                p["threshold"][i] = anchor > 0.3 ? anchor + offsets[i] : 0.25 + 0.05 * i;
            }
        });
    }

    /// <summary>Gated: |π_gate| and |π_mag| ≥ 0.02, 30–70% of gates open, some features firing.</summary>
    public static RefCase Gated(bool applyDecoderBias) => Find("gated", DIn, DSae, Rows, (p, x) =>
    {
        double[][] gate = PreActivations(p, x, "b_gate", applyDecoderBias), magnitude = MagnitudePath(p, x, applyDecoderBias);
        double fired = gate.SelectMany((row, b) => row.Where((v, i) => v > 0 && magnitude[b][i] > 0)).Count();
        return MinAbs(gate) >= 0.02 && MinAbs(magnitude) >= 0.02 && PositiveShare(gate) is >= 0.3 and <= 0.7 && fired >= 4;
    });

    /// <summary>Decoder rows rescaled to unit norm (the state constrained trainers keep).</summary>
    public static void UnitDecoder(RefParams p, double[][] x)
    {
        for (int i = 0; i < p.DSae; i++)
        {
            double norm = p.DecoderNorm(i);
            for (int d = 0; d < p.DIn; d++) p["W_dec"][i * p.DIn + d] /= norm;
        }
    }

    /// <summary>More batches of the case's shape, seeded.</summary>
    public static double[][][] Batches(int seed, int count) { var rng = new Random(seed); return [.. Enumerable.Range(0, count).Select(_ => RandomBatch(rng, Rows, DIn))]; }
}
