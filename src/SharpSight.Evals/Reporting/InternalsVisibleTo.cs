using System.Runtime.CompilerServices;

// The report's plot geometry (axes, plot areas) is internal; its tests check pixel positions against it.
[assembly: InternalsVisibleTo("SharpSight.Evals.Tests")]
