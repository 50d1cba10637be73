using System.CommandLine;
using System.Globalization;
using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight inspect`: family, size, dtype and every hook point with its shape.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        Option<string> model = ModelOptions.Model(), dtype = ModelOptions.DType();
        var command = new Command("inspect", "Show a model's family, parameter count, dtype and hook points with shapes") { model, dtype };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            using TransformerModel loaded = ModelOptions.Load(parsed.GetValue(model)!, parsed.GetValue(dtype)!);
            Write(loaded, parsed.GetValue(model)!, output);
        });
        return command;
    }

    private static void Write(TransformerModel model, string source, TextWriter output)
    {
        TransformerConfig c = model.Config;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"model        {source}");
        output.WriteLine($"family       {c.ModelType}");
        output.WriteLine(string.Create(inv, $"parameters   {model.ParameterCount:N0}"));
        output.WriteLine($"dtype        {model.DType.ToString().ToLowerInvariant()}");
        output.WriteLine($"layers       {c.Layers}, d_model {c.DModel}, heads {c.Heads} (kv {c.KeyValueHeads}) x {c.HeadDim}, d_mlp {c.DMlp}, vocab {c.VocabSize}");
        string positions = c.Positions == PositionKind.Learned ? $"learned ({c.MaxPositions})" : $"rotary ({c.RotaryDim} of {c.HeadDim} dims, theta {c.RopeTheta.ToString(inv)})";
        output.WriteLine($"positions    {positions}");
        output.WriteLine($"norm         {c.Norm}, mlp {(c.GatedMlp ? "gated " : "")}{c.Activation}{(c.ParallelResidual ? ", parallel residual" : "")}{(c.TiedEmbeddings ? ", tied unembedding" : "")}");
        output.WriteLine($"hook points  {model.Hooks.Count}");
        int width = model.Hooks.Max(p => p.Name.Length);
        foreach (HookPoint point in model.Hooks) output.WriteLine($"  {point.Name.PadRight(width)}  {point.Shape}");
    }
}
