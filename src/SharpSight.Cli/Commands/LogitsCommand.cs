using System.CommandLine;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Modules;
using static TorchSharp.torch;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight logits`: float32 logits [T, vocab] of one sequence, saved as .npy.</summary>
internal static class LogitsCommand
{
    public static Command Create()
    {
        Option<string> model = ModelOptions.Model(), dtype = ModelOptions.DType(), ids = ModelOptions.Ids(), text = ModelOptions.Text();
        Option<FileInfo> outFile = ModelOptions.Out();
        var command = new Command("logits", "Write the logits [pos, vocab] of one sequence (--ids or --text) to a float32 .npy file") { model, ids, text, outFile, dtype };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            using TransformerModel loaded = ModelOptions.Load(parsed.GetValue(model)!, parsed.GetValue(dtype)!);
            long[] tokens = ModelOptions.Tokens(parsed, ids, text, parsed.GetValue(model)!, loaded.Config.VocabSize);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor logits = loaded.Forward(tokens).to(ScalarType.Float32);
            string path = parsed.GetValue(outFile)!.FullName;
            Npy.Write(path, logits);
            output.WriteLine($"wrote {path}: logits [{string.Join(", ", logits.shape)}] float32");
        });
        return command;
    }
}
