using System.Runtime.CompilerServices;

// The tests drive the chunked storage walk with small chunks, which the public API only reaches above 1 GiB.
[assembly: InternalsVisibleTo("SharpSight.Core.Tests")]
