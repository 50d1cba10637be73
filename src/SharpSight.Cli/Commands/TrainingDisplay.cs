using System.Globalization;
using SharpSight.Games.Training;
using Spectre.Console;

namespace SharpSight.Cli.Commands;

/// <summary>
/// Shows training progress: a live bar (loss, tokens/s, ETA) in a terminal, or a plain line every tenth of the run when
/// the output is redirected or captured.
/// </summary>
internal static class TrainingDisplay
{
    public static TrainingRun Run(TextWriter output, long totalSteps, Func<IProgress<TrainingProgress>, TrainingRun> train)
    {
        bool live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        if (!live) return train(new PlainProgress(output, totalSteps));
        TrainingRun? run = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: totalSteps);
                run = train(new InlineProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Step;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  {p.TokensPerSecond:N0} tokens/s");
                }));
            });
        return run!;
    }

    /// <summary>
    /// Trains a game model from scratch or from its folder's latest checkpoint (Ctrl+C checkpoints), then writes it in the
    /// Hugging Face GPT-2 layout to FOLDER/model; the lines both games' train commands print.
    /// </summary>
    public static void TrainAndExport(TextWriter output, SharpSight.Models.Modules.TransformerModel model, IGameTrainingData data, TrainingOptions options, string folder)
    {
        TrainingRun run = RunCancellably(output, options.Steps, (progress, cancel) => GameModelTrainer.Train(model, data, options, folder, progress, cancel));
        output.WriteLine(run.Completed ? $"done at step {options.Steps}" : "stopped; run the same command to resume");
        string exported = Path.Combine(folder, "model");
        SharpSight.Models.Loading.Gpt2Export.Write(model, exported);
        output.WriteLine($"wrote {exported} (Hugging Face GPT-2 layout: sharpsight inspect / trace --model {exported})");
    }

    /// <summary>
    /// Like <see cref="Run"/>, with Ctrl+C turned into a cancellation the trainer honours (it saves a checkpoint and
    /// returns) instead of killing the process.
    /// </summary>
    public static TrainingRun RunCancellably(TextWriter output, long totalSteps, Func<IProgress<TrainingProgress>, CancellationToken, TrainingRun> train)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return Run(output, totalSteps, progress => train(progress, cancel.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private sealed class PlainProgress(TextWriter output, long totalSteps) : IProgress<TrainingProgress>
    {
        private long _nextReport = Math.Max(1, totalSteps / 10);

        public void Report(TrainingProgress p)
        {
            if (p.Step < _nextReport && p.Step != p.TotalSteps) return;
            _nextReport = p.Step + Math.Max(1, totalSteps / 10);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  {p.TokensPerSecond:N0} tokens/s  ETA {p.Remaining:hh\\:mm\\:ss}"));
        }
    }
}
