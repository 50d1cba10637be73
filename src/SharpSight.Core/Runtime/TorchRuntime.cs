using TorchSharp;

namespace SharpSight.Core.Runtime;

/// <summary>
/// One place to start libtorch: loads the native backend, fixes the thread count and reports
/// a clear error when the native library cannot be loaded.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;

    /// <summary>
    /// Loads the native backend once per process. Safe to call many times and from many threads.
    /// </summary>
    /// <exception cref="InvalidOperationException">The native library could not be loaded; the message says why.</exception>
    public static void EnsureInitialized()
    {
        if (_initialized) return;
        lock (Gate)
        {
            if (_initialized) return;
            try
            {
                // Touching torch loads libLibTorchSharp; CUDA must be probed before any autograd use
                // (TorchSharp #1198), so probe it here too.
                _ = torch.cuda.is_available();
            }
            catch (Exception error) when (error is TypeInitializationException or DllNotFoundException or NotSupportedException)
            {
                throw new InvalidOperationException(
                    "TorchSharp's native library could not be loaded. On Linux with libstdc++ older than GCC 13 " +
                    "(GLIBCXX_3.4.32), build the project (dotnet build) so the native compatibility step runs; " +
                    $"it needs g++ and patchelf. Cause: {Innermost(error).Message}", error);
            }
            _initialized = true;
        }
    }

    /// <summary>The device to use when none is named: CUDA when available, else CPU.</summary>
    public static torch.Device DefaultDevice
    {
        get
        {
            EnsureInitialized();
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null) error = error.InnerException;
        return error;
    }
}
