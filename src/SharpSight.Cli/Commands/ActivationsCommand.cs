using System.CommandLine;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight activations`: the value at one hook point for one sequence, batch dimension dropped.</summary>
internal static class ActivationsCommand
{
    public static Command Create()
    {
        Option<string> model = ModelOptions.Model(), dtype = ModelOptions.DType(), ids = ModelOptions.Ids(), text = ModelOptions.Text();
        Option<FileInfo> outFile = ModelOptions.Out();
        var hook = new Option<string>("--hook") { Description = "Hook point name, e.g. blocks.0.hook_resid_post (see 'sharpsight inspect')", Required = true };
        var command = new Command("activations", "Write the activation at a hook point for one sequence (--ids or --text) to a .npy file") { model, ids, text, hook, outFile, dtype };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            using TransformerModel loaded = ModelOptions.Load(parsed.GetValue(model)!, parsed.GetValue(dtype)!);
            string name = parsed.GetValue(hook)!;
            _ = loaded.Hooks[name];   // unknown names fail here, before the forward pass
            long[] tokens = ModelOptions.Tokens(parsed, ids, text, parsed.GetValue(model)!, loaded.Config.VocabSize);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using Tensor input = tensor(tokens, ScalarType.Int64).unsqueeze(0);
            (Tensor logits, ActivationCache cache) = ActivationCache.Run(loaded, input, include: n => n == name);
            using (cache)
            {
                logits.Dispose();
                Tensor value = cache[name].squeeze(0);
                if (value.dtype is ScalarType.BFloat16 or ScalarType.Float16) value = value.to(ScalarType.Float32);   // .npy has no bfloat16
                string path = parsed.GetValue(outFile)!.FullName;
                Npy.Write(path, value);
                output.WriteLine($"wrote {path}: {name} [{string.Join(", ", value.shape)}] {value.dtype.ToString().ToLowerInvariant()}");
            }
        });
        return command;
    }
}
