using System.CommandLine;
using SharpSight.Models.Testbeds;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight import-llama2c`: a llama2.c checkpoint as a Hugging Face Llama folder.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "llama2.c .bin checkpoint (legacy version 0)", Required = true };
        var tokenizer = new Option<FileInfo?>("--tokenizer") { Description = "SentencePiece tokenizer.model to copy beside it" };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder to write (config.json, model.safetensors, tokenizer.model)", Required = true };
        var command = new Command("import-llama2c", "Convert a llama2.c checkpoint (e.g. stories260K) into a Hugging Face Llama folder") { checkpoint, tokenizer, outDir };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            string folder = parsed.GetValue(outDir)!.FullName;
            Llama2cImport.Convert(parsed.GetValue(checkpoint)!.FullName, folder, parsed.GetValue(tokenizer)?.FullName);
            output.WriteLine($"wrote {folder}");
        });
        return command;
    }
}
