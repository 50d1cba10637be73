using SharpSight.Cli;
using SharpSight.Models.Testbeds;

namespace SharpSight.Cli.Tests;

/// <summary>
/// Runs the sharpsight command line in-process, the way a user types it, with a private $SHARPSIGHT_HOME. The variable is
/// process-wide, so every CLI test class is in one collection and they run one after another.
/// </summary>
[Collection("cli")]
public abstract class CliHarness : IDisposable
{
    protected CliHarness()
    {
        Directory.CreateDirectory(Home);
        Environment.SetEnvironmentVariable("SHARPSIGHT_HOME", Home);
    }

    /// <summary>A fresh folder for this test's built-in models and outputs.</summary>
    protected string Home { get; } = Path.Combine(Path.GetTempPath(), "sharpsight-cli-tests", Guid.NewGuid().ToString("N"));

    protected (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SharpSightCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The checkpoint folder of a built-in model.</summary>
    protected string Folder(string name) => BuiltinModels.Resolve(BuiltinModels.Prefix + name, Home);

    public void Dispose()
    {
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
