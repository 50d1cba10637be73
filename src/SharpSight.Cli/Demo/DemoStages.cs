using System.Text;
using SharpSight.Core.IO;

namespace SharpSight.Cli.Demo;

/// <summary>
/// The demo's stages and their record in the run folder: a finished stage leaves <c>stages/NAME.txt</c> holding its
/// settings key and the lines it printed, so a rerun with the same settings prints those lines again and skips the work.
/// A stage's own files are written before its record, so an interrupted stage simply runs again (resumable stages, such
/// as dictionary training, continue from their checkpoints).
/// </summary>
internal sealed class DemoStages(string folder, TextWriter output)
{
    private const string KeyPrefix = "# key: ";

    /// <summary>Stages skipped because an earlier run finished them.</summary>
    public int Skipped { get; private set; }

    /// <summary>
    /// Runs <paramref name="body"/> unless a finished record with the same <paramref name="key"/> exists; either way the
    /// stage's lines end up printed. The body writes its lines to the writer it is given (live progress goes to the
    /// console directly and is not recorded).
    /// </summary>
    public void Run(string name, string key, Action<TextWriter> body)
    {
        string path = Path.Combine(folder, "stages", name + ".txt");
        if (TryReadRecord(path, key) is { } lines)
        {
            foreach (string line in lines) output.WriteLine(line);
            output.WriteLine("   (finished in an earlier run; delete " + path + " to redo it)");
            Skipped++;
            return;
        }
        var recorded = new StringWriter();
        body(new TeeWriter(output, recorded));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, KeyPrefix + key + "\n" + recorded);
    }

    private static string[]? TryReadRecord(string path, string key)
    {
        if (!File.Exists(path)) return null;
        string[] lines = File.ReadAllLines(path);
        return lines.Length > 0 && lines[0] == KeyPrefix + key ? lines[1..] : null;
    }

    // Writes everything to both writers: the console and the stage's record.
    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }

        public override void Flush() => first.Flush();
    }
}
