using System.Text.Json.Nodes;
using SharpSight.Dictionaries;
using SharpSight.Dictionaries.Formats;
using SharpSight.Dictionaries.Training;
using SharpSight.Evals.Dictionaries.Board;
using SharpSight.Evals.Dictionaries.Core;
using SharpSight.Evals.Dictionaries.SparseProbing;
using SharpSight.Models.Modules;

namespace SharpSight.Evals.Dictionaries;

/// <summary>A dictionary to evaluate and what its results are filed under.</summary>
/// <param name="Subject">Name, group and cfg.json.</param>
/// <param name="Dictionary">The dictionary (owned by the caller).</param>
public sealed record DictionaryUnderTest(ResultSubject Subject, SparseDictionary Dictionary);

/// <summary>
/// Runs the core, board and sparse-probing evaluations of dictionaries at one hook point of a model and files each
/// result in SAEBench's schema (<see cref="EvalResultFile"/>). An evaluation whose file already exists is not run again,
/// so an interrupted evaluation resumes; all dictionaries of a run share one pass over the model's activations.
/// </summary>
public sealed class DictionaryEvaluator(string hook, IEvaluationData data, string resultsFolder, IProgress<string>? progress = null)
{
    /// <summary>Board-metric settings (the paper's by default).</summary>
    public BoardEvalOptions BoardOptions { get; init; } = new();

    /// <summary>Sparse-probing settings (SAEBench's by default).</summary>
    public SparseProbingOptions ProbingOptions { get; init; } = new();

    /// <summary>
    /// Evaluates every dictionary of a run folder (its subfolders holding a cfg.json, or the folder itself when it holds
    /// one; training methods from a sweep's run.json) and returns their scores.
    /// </summary>
    public IReadOnlyList<DictionaryScores> EvaluateFolder(TransformerModel model, string folder, string release, DictionaryEvaluations evals)
    {
        bool single = File.Exists(Path.Combine(folder, SaeLensFolder.ConfigFile));
        string[] folders = single ? [folder]
            : [.. Directory.GetDirectories(folder).Where(d => File.Exists(Path.Combine(d, SaeLensFolder.ConfigFile))).Order(StringComparer.Ordinal)];
        if (folders.Length == 0) throw new ArgumentException($"{folder}: no {SaeLensFolder.ConfigFile} in it or in its subfolders");
        IReadOnlyDictionary<string, TrainingMethod> methods = DictionarySweep.MethodsOf(single ? Path.GetDirectoryName(Path.GetFullPath(folder))! : folder);
        var items = new List<DictionaryUnderTest>();
        try
        {
            foreach (string path in folders)
            {
                string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
                string? method = methods.TryGetValue(name, out TrainingMethod m) ? DictionaryTrainingOptions.MethodName(m) : null;
                items.Add(new DictionaryUnderTest(new ResultSubject(name, release, EvalResultFile.ConfigOf(path, method)), SaeLensFolder.Read(path)));
            }
            return Evaluate(model, items, evals);
        }
        finally
        {
            foreach (DictionaryUnderTest item in items) item.Dictionary.Dispose();
        }
    }

    /// <summary>Evaluates the dictionaries (each evaluation only for those without a result file) and returns their scores.</summary>
    /// <exception cref="ArgumentException">A dictionary's d_in differs from the hook's size.</exception>
    public IReadOnlyList<DictionaryScores> Evaluate(TransformerModel model, IReadOnlyList<DictionaryUnderTest> items, DictionaryEvaluations evals)
    {
        long size = model.Hooks[hook].Shape.Dims[^1].Size;
        foreach (DictionaryUnderTest item in items)
            if (item.Dictionary.InputSize != size)
                throw new ArgumentException($"{item.Subject.Release}/{item.Subject.Id}: d_in {item.Dictionary.InputSize} does not match {hook}, of size {size}");
        if (evals.HasFlag(DictionaryEvaluations.Core)) RunCore(model, Pending(items, "core"));
        if (evals.HasFlag(DictionaryEvaluations.Board)) RunBoard(model, Pending(items, "board"));
        if (evals.HasFlag(DictionaryEvaluations.Probing)) RunProbing(model, Pending(items, "sparse_probing"));
        return [.. items.Select(i => DictionaryScores.Read(resultsFolder, i.Subject))];
    }

    /// <summary>
    /// The linear-probe reference row of the board metrics, filed as "linear-probe" of <paramref name="release"/>
    /// (<paramref name="modelName"/> names the model in its eval_config, as a dictionary's cfg.json does).
    /// </summary>
    public DictionaryScores EvaluateBoardProbe(TransformerModel model, string release, string? modelName = null)
    {
        var subject = new ResultSubject("linear-probe", release, new JsonObject
        {
            ["architecture"] = "linear_probe", ["d_in"] = model.Hooks[hook].Shape.Dims[^1].Size, ["hook_name"] = hook,
            ["metadata"] = new JsonObject { ["model_name"] = modelName, ["hook_name"] = hook },
        });
        if (!File.Exists(EvalResultFile.PathFor(resultsFolder, "board", subject)))
        {
            progress?.Report($"board: linear probes ({release})");
            BoardResult result = data.BoardProbe(model, hook, BoardOptions, progress);
            Write("board", result.EvalConfig(), result.Metrics(), result.Details(), result.Unstructured(), subject);
        }
        return DictionaryScores.Read(resultsFolder, subject);
    }

    private List<DictionaryUnderTest> Pending(IReadOnlyList<DictionaryUnderTest> items, string evalType) =>
        [.. items.Where(i => !File.Exists(EvalResultFile.PathFor(resultsFolder, evalType, i.Subject)))];

    private void RunCore(TransformerModel model, List<DictionaryUnderTest> items)
    {
        if (items.Count == 0) return;
        progress?.Report($"core: {items.Count} dictionaries");
        long tokens = 0;
        IEnumerable<TorchSharp.torch.Tensor> Counted()
        {
            foreach (TorchSharp.torch.Tensor batch in data.CoreBatches(model))
                using (batch)
                {
                    tokens += batch.numel();
                    yield return batch;
                }
        }
        IReadOnlyList<CoreMetrics> results = CoreEvaluation.Run(model, hook, [.. items.Select(i => i.Dictionary)], Counted());
        var config = new JsonObject { ["tokens"] = tokens, ["exclude_special_tokens_from_reconstruction"] = false };
        for (int i = 0; i < items.Count; i++)
            Write("core", config.DeepClone().AsObject(), results[i].Metrics(), results[i].Details(), results[i].Unstructured(), items[i].Subject);
    }

    private void RunBoard(TransformerModel model, List<DictionaryUnderTest> items)
    {
        if (items.Count == 0) return;
        progress?.Report($"board: {items.Count} dictionaries");
        IReadOnlyList<BoardResult> results = data.Board(model, hook, [.. items.Select(i => i.Dictionary)], BoardOptions, progress);
        for (int i = 0; i < items.Count; i++)
            Write("board", results[i].EvalConfig(), results[i].Metrics(), results[i].Details(), results[i].Unstructured(), items[i].Subject);
    }

    private void RunProbing(TransformerModel model, List<DictionaryUnderTest> items)
    {
        if (items.Count == 0) return;
        progress?.Report($"sparse probing: {items.Count} dictionaries");
        IReadOnlyList<ProbingDataset> datasets = data.ProbingDatasets(model, hook);
        try
        {
            SparseProbingBaseline baseline = SparseProbingEvaluation.ModelBaseline(datasets, ProbingOptions);
            foreach (DictionaryUnderTest item in items)
            {
                SparseProbingResult result = SparseProbingEvaluation.Evaluate(item.Dictionary, datasets, ProbingOptions, baseline);
                Write("sparse_probing", result.ConfigSettings(), result.Metrics(), result.Details(), result.Unstructured(), item.Subject);
            }
        }
        finally
        {
            foreach (ProbingDataset dataset in datasets) dataset.Dispose();
        }
    }

    private void Write(string evalType, JsonObject config, JsonObject metrics, JsonArray details, JsonNode? unstructured, ResultSubject subject)
    {
        config["model_name"] = subject.Config["metadata"]?["model_name"]?.DeepClone();
        config["hook_name"] = hook;
        config["data"] = data.Describe();
        EvalResultFile.Write(resultsFolder, EvalResultFile.Compose(evalType, config, metrics, details, unstructured, subject, DateTimeOffset.UtcNow));
    }
}
