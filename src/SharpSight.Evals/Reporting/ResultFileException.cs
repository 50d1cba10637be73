namespace SharpSight.Evals.Reporting;

/// <summary>A result file that cannot be read: malformed JSON or a missing required field. The message is one line and starts with the file's path.</summary>
/// <param name="message">The one-line message, starting with the file's path.</param>
public sealed class ResultFileException(string message) : Exception(message);
