using System.Globalization;
using SharpSight.Examples;

// The runnable examples of docs/tracing.md, on Karpathy's stories260K (a real trained Llama-architecture model from
// shared/data, imported from llama2.c format on first use).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string which = args.Length > 0 ? args[0] : "all";
using var story = StoryModel.Load();
switch (which)
{
    case "patching": Examples.Patching(story); break;
    case "steering": Examples.Steering(story); break;
    case "attribution": Examples.Attribution(story); break;
    case "all": Examples.Patching(story); Examples.Steering(story); Examples.Attribution(story); break;
    default: Console.Error.WriteLine("usage: SharpSight.Examples [patching|steering|attribution|all]"); return 2;
}
return 0;
