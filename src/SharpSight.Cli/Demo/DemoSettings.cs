using SharpSight.Dictionaries.Training;

namespace SharpSight.Cli.Demo;

/// <summary>What the demo runs; every stage's record keys on the settings it uses, so changing one redoes that stage.</summary>
internal sealed record DemoSettings
{
    /// <summary>The Othello model folder (the shipped laboratory model unless told), or null to train a small one first.</summary>
    public string? ModelFolder { get; init; }

    /// <summary>The run folder: stage records, games, activation caches, dictionaries, results and the report.</summary>
    public required string OutFolder { get; init; }

    /// <summary>Held-out random games whose moves are scored for legality.</summary>
    public int Games { get; init; } = 2000;

    /// <summary>Championship games scored for legality (0 = none).</summary>
    public int ChampionshipGames { get; init; } = 2000;

    /// <summary>Random games the board probes are fitted (80%) and scored (20%) on.</summary>
    public int ProbeGames { get; init; } = 1000;

    /// <summary>Positions whose board is edited in the residual stream.</summary>
    public int Edits { get; init; } = 200;

    /// <summary>Where the dictionaries read the model.</summary>
    public string Hook { get; init; } = "blocks.3.hook_resid_post";

    /// <summary>Features per dictionary.</summary>
    public int Width { get; init; } = 1024;

    /// <summary>k of the TopK family; the L0 the other methods are set up to land near.</summary>
    public int K { get; init; } = 32;

    /// <summary>Activations each dictionary trains on.</summary>
    public long Tokens { get; init; } = 1_200_000;

    /// <summary>Activations per training step.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Games of each board-metric split (the paper's 1,000 training and 1,000 test games).</summary>
    public int BoardGames { get; init; } = 1000;

    /// <summary>Seed of the demo's held-out games (the laboratory model trained on seed 0's games).</summary>
    public ulong Seed { get; init; } = 20_261_125;

    /// <summary>Steps of the sweep.</summary>
    public int Steps => (int)Math.Max(1, (Tokens + BatchSize - 1) / BatchSize);

    /// <summary>
    /// The sweep, one dictionary per architecture: the TopK family at k, JumpReLU aiming at L0 = k, and the L1 methods at
    /// coefficients that land near L0 30–40 at blocks.3 of the laboratory model in a run of this length (measured with the
    /// defaults: held-out L0 42 / 27 / 26 for ReLU / Gated / p-anneal). Every method decays its learning rate over the last
    /// fifth, which helps short runs most; BatchTopK-family thresholds are learned from a quarter of the run on
    /// (dictionary_learning's step 1,000 would leave a short run without one).
    /// </summary>
    public IReadOnlyList<DictionarySpec> Dictionaries()
    {
        int decay = Steps * 4 / 5, thresholdStart = Math.Min(1000, Steps / 4);
        DictionarySpec Spec(string name, TrainingMethod method, double? lr = null, double? l1 = null, double targetL0 = 20) =>
            new(name, new DictionaryTrainingOptions
            {
                Method = method, LearningRate = lr, SparsityCoefficient = l1, TargetL0 = targetL0, DecayStartStep = decay,
                ThresholdStartStep = thresholdStart,   // BatchTopK's inference threshold: learned from this step on
            }, Width, K, null);
        return
        [
            Spec("relu", TrainingMethod.April, l1: 0.15),
            Spec($"topk-k{K}", TrainingMethod.TopK, lr: 2e-3),
            Spec($"batchtopk-k{K}", TrainingMethod.BatchTopK, lr: 2e-3),
            Spec($"matryoshka-k{K}", TrainingMethod.Matryoshka, lr: 2e-3),
            Spec($"jumprelu-l0-{K}", TrainingMethod.JumpRelu, lr: 1e-3, targetL0: K),
            Spec("gated", TrainingMethod.Gated, lr: 1e-3, l1: 0.25),
            Spec("p-anneal", TrainingMethod.PAnneal, l1: 0.12),
        ];
    }
}
