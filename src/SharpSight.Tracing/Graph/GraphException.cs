namespace SharpSight.Tracing.Graph;

/// <summary>An intervention graph that is malformed or does not fit the model; one line naming the node and the problem.</summary>
public sealed class GraphException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphException(string message, Exception? inner = null) : base(message, inner) { }
}
