using SharpSight.Models.Generation;
using SharpSight.Models.Hooks;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;
using SharpSight.Models.Testbeds;
using SharpSight.Models.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Models.Tests;

/// <summary>Repeated forward passes, caches and generation must not leave tensors alive (TorchSharp's per-thread counters).</summary>
public class TensorLifetimeTests
{
    [Fact]
    public void Forward_cache_and_generation_leave_no_live_tensors_behind()
    {
        using var home = new TempFolder();
        using TransformerModel model = ModelLoader.Load(BuiltinModels.Resolve(BuiltinModels.Prefix + "tiny-gemma2", home.Path));
        var generator = new TextGenerator(model, new BytesTokenizer());
        using Tensor ids = CheckpointFolder.Ids(1, 2, 3, 4, 5, 6);

        void Work()
        {
            using (var noGrad = no_grad())
            using (Tensor logits = model.Forward(ids))
            {
            }
            (Tensor cachedLogits, ActivationCache cache) = ActivationCache.Run(model, ids);
            cachedLogits.Dispose();
            cache.Dispose();
            generator.Generate([[1, 2, 3], [4, 5]], new GenerationOptions { MaxNewTokens = 4, IgnoreEos = true });
        }

        Work();   // first use creates lazily built state
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) Work();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
