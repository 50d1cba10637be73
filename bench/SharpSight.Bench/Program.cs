using SharpSight.Bench;

// Benchmarks report ratios measured in the same run; see each benchmark's header comment.
string which = args.Length > 0 ? args[0] : "forward";
return which switch
{
    "forward" => ForwardBenchmark.Run(args.Skip(1).ToArray()),
    "decode" => DecodeBenchmark.Run(args.Skip(1).ToArray()),
    "trace" => TraceBenchmark.Run(args.Skip(1).ToArray()),
    "games" => GamesBenchmark.Run(args.Skip(1).ToArray()),
    "training" => TrainingBenchmark.Run(args.Skip(1).ToArray()),
    "activations" => ActivationStoreBenchmark.Run(args.Skip(1).ToArray()),
    "sae" => SaeBenchmark.Run(args.Skip(1).ToArray()),
    "evals" => EvaluationBenchmark.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: SharpSight.Bench forward [--batch 8] [--seq 128] [--repeats 5]");
    Console.Error.WriteLine("       SharpSight.Bench decode [--prompt 64] [--tokens 64] [--batch 1]");
    Console.Error.WriteLine("       SharpSight.Bench trace [--batch 8] [--seq 128] [--repeats 7]");
    Console.Error.WriteLine("       SharpSight.Bench games");
    Console.Error.WriteLine("       SharpSight.Bench training [--preset small|medium|lab|paper] [--steps 20]");
    Console.Error.WriteLine("       SharpSight.Bench activations [--tokens 20000000] [--layers 2] [--d-model 64] [--layer 0] [--batch 4096] [--buffer 262144]");
    Console.Error.WriteLine("       SharpSight.Bench sae [--d-in 512] [--width 8192] [--batch 4096] [--k 32] [--steps 7]");
    Console.Error.WriteLine("       SharpSight.Bench evals [--dictionaries 7] [--width 1024] [--k 32] [--batches 4] [--positions 59000]");
    return 2;
}
