namespace SharpSight.Dictionaries.Training;

/// <summary>How a dictionary is trained: the loss and the machinery around it.</summary>
public enum TrainingMethod
{
    /// <summary>ReLU with an L1 penalty on f, unit-norm decoder (constrained Adam) and dead-feature resampling.</summary>
    Standard,
    /// <summary>ReLU with the L1 penalty weighted by decoder norms, Σ fᵢ‖W_dec,i‖ ("April update"); plain Adam, free decoder norms.</summary>
    April,
    /// <summary>TopK with the AuxK dead-latent loss.</summary>
    TopK,
    /// <summary>BatchTopK with the AuxK loss and a learned inference threshold.</summary>
    BatchTopK,
    /// <summary>Matryoshka BatchTopK: every nested prefix of feature groups reconstructs on its own.</summary>
    Matryoshka,
    /// <summary>JumpReLU with straight-through estimators and an L0-target, step or tanh sparsity penalty.</summary>
    JumpRelu,
    /// <summary>Gated, with the auxiliary gate-reconstruction loss.</summary>
    Gated,
    /// <summary>ReLU with an Lp penalty whose p anneals from 1 down to p_end, the coefficient rescaled at each change.</summary>
    PAnneal,
}

/// <summary>The sparsity penalty of a JumpReLU dictionary.</summary>
public enum JumpReluSparsity
{
    /// <summary>λ·(L0 / target − 1)² (dictionary_learning).</summary>
    L0Target,
    /// <summary>λ·L0 through the step function's straight-through estimator (SAELens "step", the JumpReLU paper).</summary>
    Step,
    /// <summary>λ·Σ tanh(c·fᵢ‖W_dec,i‖) (SAELens "tanh").</summary>
    Tanh,
}

/// <summary>The Lp penalty of p-annealing.</summary>
public enum PAnnealPenalty
{
    /// <summary>Σ fᵢᵖ.</summary>
    LpPowerP,
    /// <summary>(Σ fᵢᵖ)^(1/p).</summary>
    Lp,
}

/// <summary>
/// Settings of one dictionary's training. Defaults follow dictionary_learning's trainers; null settings take
/// the method-specific defaults (learning rate, sparsity coefficient, Adam β₁).
/// </summary>
public sealed record DictionaryTrainingOptions
{
    /// <summary>Training method.</summary>
    public TrainingMethod Method { get; init; } = TrainingMethod.TopK;

    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Peak learning rate; null = the method's default (TopK family: 2e-4/√(d_sae/2¹⁴)).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Adam β₁ (JumpReLU and Gated use 0, the others 0.9).</summary>
    public double? Beta1 { get; init; }

    /// <summary>Adam β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Linear learning-rate warmup steps; null = 1000 (dictionary_learning), capped at a twentieth of a shorter run.</summary>
    public int? WarmupSteps { get; init; }

    /// <summary>Step from which the learning rate decays linearly to 0 at the end; null = 0.8·Steps for TopK-family methods, none otherwise.</summary>
    public int? DecayStartStep { get; init; }

    /// <summary>Sparsity coefficient λ; null = the method's default.</summary>
    public double? SparsityCoefficient { get; init; }

    /// <summary>Steps over which the sparsity coefficient ramps linearly from 0 to λ; null = 2000, capped at a tenth of a shorter run.</summary>
    public int? SparsityWarmupSteps { get; init; }

    /// <summary>Learning-rate warmup in effect.</summary>
    public int WarmupInEffect => WarmupSteps ?? Math.Min(1000, Math.Max(1, Steps / 20));

    /// <summary>Sparsity warmup in effect.</summary>
    public int SparsityWarmupInEffect => SparsityWarmupSteps ?? Math.Min(2000, Math.Max(1, Steps / 10));

    /// <summary>Global gradient-norm clip (0 = none); null = 1 for TopK, BatchTopK, Matryoshka, JumpReLU and April, none for the others (dictionary_learning).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Gradient clip in effect (0 = none).</summary>
    public double ClipNormInEffect => ClipNorm ?? (Method is TrainingMethod.Standard or TrainingMethod.Gated or TrainingMethod.PAnneal ? 0 : 1.0);

    /// <summary>Resample dead features every this many steps (Standard and PAnneal; 0 = never).</summary>
    public int ResampleEvery { get; init; }

    /// <summary>A feature is dead for AuxK after this many tokens without firing.</summary>
    public long DeadAfterTokens { get; init; } = 10_000_000;

    /// <summary>AuxK coefficient α.</summary>
    public double AuxKCoefficient { get; init; } = 1.0 / 32;

    /// <summary>Dead latents used by AuxK; null = d_in / 2.</summary>
    public int? AuxK { get; init; }

    /// <summary>BatchTopK: the inference threshold is an average of the batch's smallest kept activation from this step.</summary>
    public int ThresholdStartStep { get; init; } = 1000;

    /// <summary>BatchTopK: the threshold average's decay.</summary>
    public double ThresholdBeta { get; init; } = 0.999;

    /// <summary>Initialise b_dec to the geometric median of the first batch (default for the TopK family).</summary>
    public bool? GeometricMedianInit { get; init; }

    /// <summary>JumpReLU penalty.</summary>
    public JumpReluSparsity JumpReluSparsity { get; init; } = JumpReluSparsity.L0Target;

    /// <summary>JumpReLU straight-through bandwidth ε.</summary>
    public double Bandwidth { get; init; } = 0.001;

    /// <summary>JumpReLU L0 target.</summary>
    public double TargetL0 { get; init; } = 20;

    /// <summary>JumpReLU tanh scale c.</summary>
    public double TanhScale { get; init; } = 4;

    /// <summary>p-annealing: final p.</summary>
    public double PEnd { get; init; } = 0.2;

    /// <summary>p-annealing: first step at which p changes; null = Steps / 10.</summary>
    public int? AnnealStartStep { get; init; }

    /// <summary>p-annealing: number of p values from 1 to p_end.</summary>
    public int SparsityUpdates { get; init; } = 10;

    /// <summary>p-annealing: penalty form.</summary>
    public PAnnealPenalty PAnnealPenalty { get; init; } = PAnnealPenalty.LpPowerP;

    /// <summary>Matryoshka: weight of each prefix's loss; null = equal weights.</summary>
    public IReadOnlyList<double>? MatryoshkaWeights { get; init; }

    /// <summary>Seed of the initialisation and of resampling.</summary>
    public ulong Seed { get; init; }

    /// <summary>True for the methods whose decoder rows are held at unit norm (gradient projection and renormalisation).</summary>
    public bool ConstrainsDecoder => Method switch
    {
        TrainingMethod.April => false,
        TrainingMethod.JumpRelu => JumpReluSparsity == JumpReluSparsity.L0Target,
        _ => true,
    };

    /// <summary>True for TopK, BatchTopK and Matryoshka.</summary>
    public bool IsTopKFamily => Method is TrainingMethod.TopK or TrainingMethod.BatchTopK or TrainingMethod.Matryoshka;

    /// <summary>The learning rate in effect for a dictionary of this width.</summary>
    public double LearningRateFor(int width) => LearningRate ?? Method switch
    {
        TrainingMethod.TopK or TrainingMethod.BatchTopK or TrainingMethod.Matryoshka => 2e-4 / Math.Sqrt(width / 16384.0),
        TrainingMethod.JumpRelu => 7e-5,
        TrainingMethod.Gated => 5e-5,
        _ => 1e-3,
    };

    /// <summary>λ in effect.</summary>
    public double Coefficient => SparsityCoefficient ?? Method switch
    {
        TrainingMethod.JumpRelu => 1,
        _ => 0.1,
    };

    /// <summary>Adam β₁ in effect.</summary>
    public double Beta1InEffect => Beta1 ?? (Method is TrainingMethod.JumpRelu or TrainingMethod.Gated ? 0 : 0.9);

    /// <summary>Learning-rate decay start in effect (null = no decay).</summary>
    public int? DecayStartInEffect => DecayStartStep ?? (IsTopKFamily ? (int)(0.8 * Steps) : null);

    /// <summary>Learning-rate multiplier at a step: warmup (restarted after each resampling), then optional linear decay to 0.</summary>
    public double LearningRateScale(long step)
    {
        long sinceRestart = ResampleEvery > 0 ? step % ResampleEvery : step;
        double warmup = WarmupInEffect > 0 ? Math.Min(1.0, (sinceRestart + 1) / (double)WarmupInEffect) : 1.0;
        double decay = DecayStartInEffect is { } start && step >= start && Steps > start ? Math.Max(0.0, (Steps - step) / (double)(Steps - start)) : 1.0;
        return warmup * decay;
    }

    /// <summary>Sparsity-coefficient multiplier at a step: a linear ramp over <see cref="SparsityWarmupInEffect"/>.</summary>
    public double SparsityScale(long step) => SparsityWarmupInEffect > 0 ? Math.Min(1.0, (step + 1) / (double)SparsityWarmupInEffect) : 1.0;

    /// <summary>The dictionary architecture a method trains.</summary>
    public DictionaryArchitecture Architecture => Method switch
    {
        TrainingMethod.Standard or TrainingMethod.April or TrainingMethod.PAnneal => DictionaryArchitecture.Relu,
        TrainingMethod.TopK => DictionaryArchitecture.TopK,
        TrainingMethod.BatchTopK or TrainingMethod.Matryoshka => DictionaryArchitecture.BatchTopK,
        TrainingMethod.JumpRelu => DictionaryArchitecture.JumpRelu,
        TrainingMethod.Gated => DictionaryArchitecture.Gated,
        _ => throw new ArgumentException($"unknown training method {Method}"),
    };

    /// <summary>The command-line name of a method (the inverse of <see cref="ParseMethod"/>): "p-anneal", "topk", ….</summary>
    public static string MethodName(TrainingMethod method) => method switch
    {
        TrainingMethod.PAnneal => "p-anneal",
        _ => method.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a method name as written in the CLI and sweep files ("topk", "batchtopk", "jumprelu", "p-anneal", …).</summary>
    public static TrainingMethod ParseMethod(string name) => name.ToLowerInvariant().Replace("-", "").Replace("_", "") switch
    {
        "standard" or "relu" => TrainingMethod.Standard,
        "april" or "reluapril" or "standardapril" => TrainingMethod.April,
        "topk" => TrainingMethod.TopK,
        "batchtopk" => TrainingMethod.BatchTopK,
        "matryoshka" or "matryoshkabatchtopk" => TrainingMethod.Matryoshka,
        "jumprelu" => TrainingMethod.JumpRelu,
        "gated" => TrainingMethod.Gated,
        "panneal" or "pannealing" => TrainingMethod.PAnneal,
        _ => throw new ArgumentException($"unknown architecture '{name}' (known: standard, april, topk, batchtopk, matryoshka, jumprelu, gated, p-anneal)"),
    };
}
