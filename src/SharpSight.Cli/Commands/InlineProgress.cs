namespace SharpSight.Cli.Commands;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler on the reporting thread, at once. The BCL's
/// <see cref="Progress{T}"/> posts each report to the thread pool when there is no synchronization context (as in a
/// console program): lines then arrive out of order or after the work has finished, and the handlers allocate on pool
/// threads while the reporting thread is inside a native libtorch call. An allocation there can start a garbage
/// collection whose finalizer frees a temporary TorchSharp <c>Scalar</c> that the native call is still reading
/// (TorchSharp 0.107 passes the handles of implicit Scalars, such as the alpha = 1 of <c>Tensor.add</c>, without keeping
/// the objects alive), which crashed a demo run once.
/// </summary>
/// <typeparam name="T">The report type.</typeparam>
/// <param name="handler">Runs once per report, on the reporting thread.</param>
internal sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => handler(value);
}
