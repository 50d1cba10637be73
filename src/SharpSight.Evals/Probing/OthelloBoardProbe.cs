using SharpSight.Games.Othello;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Evals.Probing;

/// <summary>Probe accuracy at one hook point.</summary>
/// <param name="Hook">Hook point name.</param>
/// <param name="Accuracy">Share of squares classified correctly as empty / mine / theirs, on held-out games.</param>
/// <param name="OccupiedAccuracy">The same on occupied squares only (where only mine versus theirs is at stake).</param>
public sealed record ProbeAccuracy(string Hook, double Accuracy, double OccupiedAccuracy);

/// <summary>
/// Linear probes of the Othello board (empty / mine / theirs per square, relative to the player to move next) from a
/// game model's activations: games are encoded one token per move, activations cached at the chosen hook points, every
/// move position labelled with the board after that move; probes are fitted on 80% of the games and scored on the rest.
/// </summary>
public static class OthelloBoardProbe
{
    /// <summary>Probe accuracy at each hook point.</summary>
    /// <param name="model">An Othello model over <see cref="OthelloVocabulary"/> (at least 61 ids).</param>
    /// <param name="games">Games (at least 5, so both splits are non-empty).</param>
    /// <param name="hooks">Hook points with [batch, pos, d] values, e.g. every blocks.L.hook_resid_post.</param>
    /// <param name="options">Probe fitting options.</param>
    public static IReadOnlyList<ProbeAccuracy> ByHook(TransformerModel model, IReadOnlyList<OthelloGame> games, IReadOnlyList<string> hooks, ProbeOptions? options = null)
    {
        var (probes, accuracies) = FitByHook(model, games, hooks, options);
        foreach (LinearProbe probe in probes.Values) probe.Dispose();
        return accuracies;
    }

    /// <summary>
    /// Fits a probe at each hook point on the first 80% of the games and scores it on the rest; the probes are the
    /// caller's to use (e.g. for <see cref="OthelloBoardEdit"/>) and to dispose.
    /// </summary>
    public static (Dictionary<string, LinearProbe> Probes, IReadOnlyList<ProbeAccuracy> Accuracies) FitByHook(TransformerModel model, IReadOnlyList<OthelloGame> games,
        IReadOnlyList<string> hooks, ProbeOptions? options = null)
    {
        if (model.Config.VocabSize < OthelloVocabulary.Size)
            throw new ArgumentException($"the model's vocabulary ({model.Config.VocabSize}) is smaller than the Othello vocabulary ({OthelloVocabulary.Size})");
        if (games.Count < 5) throw new ArgumentException($"need at least 5 games to split into train and test, got {games.Count}");
        int trainGames = games.Count * 4 / 5;
        var (trainFeatures, trainLabels) = Collect(model, games.Take(trainGames).ToArray(), hooks);
        var (testFeatures, testLabels) = Collect(model, games.Skip(trainGames).ToArray(), hooks);
        try
        {
            using Tensor occupied = testLabels.ne((long)OthelloRelativeCell.Empty);
            var probes = new Dictionary<string, LinearProbe>();
            var accuracies = new List<ProbeAccuracy>();
            foreach (string hook in hooks)
            {
                LinearProbe probe = probes[hook] = LinearProbe.Fit(trainFeatures[hook], trainLabels, 3, options);
                accuracies.Add(new ProbeAccuracy(hook, probe.Accuracy(testFeatures[hook], testLabels), probe.Accuracy(testFeatures[hook], testLabels, occupied)));
            }
            return (probes, accuracies);
        }
        finally
        {
            foreach (Tensor t in trainFeatures.Values.Concat(testFeatures.Values)) t.Dispose();
            trainLabels.Dispose();
            testLabels.Dispose();
        }
    }

    /// <summary>Features [positions, d] per hook and labels [positions, 64] for every move of every game.</summary>
    public static (Dictionary<string, Tensor> Features, Tensor Labels) Collect(TransformerModel model, IReadOnlyList<OthelloGame> games, IReadOnlyList<string> hooks)
    {
        foreach (string hook in hooks)
            if (model.Hooks[hook].Shape.Dims.Count != 3) throw new ArgumentException($"hook point '{hook}' is not [batch, pos, d]");
        var perHook = hooks.ToDictionary(h => h, _ => new List<Tensor>());
        var labels = new List<long>();
        using var noGrad = no_grad();
        foreach (OthelloGame game in games)
        {
            int[] tokens = OthelloVocabulary.Encode(game);
            using Tensor ids = tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0);
            (Tensor logits, ActivationCache cache) = ActivationCache.Run(model, ids, include: perHook.ContainsKey);
            logits.Dispose();
            using (cache)
                foreach (string hook in hooks)
                    perHook[hook].Add(cache[hook][0].to(ScalarType.Float32).clone().DetachFromDisposeScope());
            foreach (OthelloBoardState state in OthelloVocabulary.StatesAfterEachMove(game))
                labels.AddRange(state.RelativeCells().Select(c => (long)c));
        }
        var features = perHook.ToDictionary(p => p.Key, p =>
        {
            Tensor joined = cat(p.Value, 0).DetachFromDisposeScope();
            foreach (Tensor t in p.Value) t.Dispose();
            return joined;
        });
        return (features, tensor(labels.ToArray()).view(-1, 64).DetachFromDisposeScope());
    }
}
