using System.Globalization;
using SharpSight.Examples;

// The runnable examples of docs/tracing.md, on Karpathy's stories260K (a real trained Llama-architecture model from
// shared/data, imported from llama2.c format on first use), and of docs/dictionaries.md, on the Othello laboratory model.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string which = args.Length > 0 ? args[0] : "all";
if (which is "dictionaries" or "all") DictionaryExample.Run();
if (which == "dictionaries") return 0;
using var story = StoryModel.Load();
switch (which)
{
    case "patching": Examples.Patching(story); break;
    case "steering": Examples.Steering(story); break;
    case "attribution": Examples.Attribution(story); break;
    case "all": Examples.Patching(story); Examples.Steering(story); Examples.Attribution(story); break;
    default: Console.Error.WriteLine("usage: SharpSight.Examples [patching|steering|attribution|dictionaries|all]"); return 2;
}
return 0;
