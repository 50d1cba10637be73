namespace SharpSight.Games.Tests;

/// <summary>Finds files of the shared data folder that sits beside the repository checkout (../shared/data).</summary>
public static class SharedData
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared", "data", relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/data/{relative} not found beside the checkout (looked upwards from {AppContext.BaseDirectory})");
    }
}
