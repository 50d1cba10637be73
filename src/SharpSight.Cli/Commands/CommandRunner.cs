using System.CommandLine;
using SharpSight.Core.TensorFiles;
using SharpSight.Models.Loading;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Cli.Commands;

/// <summary>Runs a command body and turns every expected failure into one line on stderr and exit code 1.</summary>
internal static class CommandRunner
{
    public static void SetBody(Command command, Action<ParseResult, TextWriter> body) =>
        command.SetAction(parsed =>
        {
            TextWriter output = parsed.InvocationConfiguration.Output, error = parsed.InvocationConfiguration.Error;
            try
            {
                body(parsed, output);
                return 0;
            }
            catch (Exception failure) when (failure is ModelLoadException or TensorFileException or TokenizerException or SharpSight.Tracing.Graph.GraphException or SharpSight.Games.GameRecordException or SharpSight.Dictionaries.Formats.DictionaryFormatException or SharpSight.Evals.Reporting.ResultFileException or ArgumentException
                or KeyNotFoundException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                error.WriteLine($"error: {OneLine(failure.Message)}");
                return 1;
            }
        });

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
