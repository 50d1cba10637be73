namespace SharpSight.Bench;

/// <summary>"--name value" integer arguments with defaults.</summary>
internal static class Arguments
{
    public static int Int(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) ? value : fallback;
    }
}
