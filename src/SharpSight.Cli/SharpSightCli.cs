using System.CommandLine;
using SharpSight.Cli.Commands;

namespace SharpSight.Cli;

/// <summary>The sharpsight command line: thin commands over the libraries.</summary>
public static class SharpSightCli
{
    /// <summary>Parses and runs a command line; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("SharpSight: read, edit and measure the internals of transformer language models.")
        {
            InspectCommand.Create(),
            LogitsCommand.Create(),
            ActivationsCommand.Create(),
            TokenizeCommand.Create(),
            GenerateCommand.Create(),
            TraceCommand.Create(),
            ImportCommand.Create(),
            GamesCommand.Create(),
            DemoCommand.Create(),
            SaeCommand.Create(),
            ReportCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, not the full help page: the first problem and where to look.
            string command = parsed.CommandResult.Command == root ? "" : " " + parsed.CommandResult.Command.Name;
            error.WriteLine($"error: {parsed.Errors[0].Message} (see 'sharpsight{command} --help')");
            return 2;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}
