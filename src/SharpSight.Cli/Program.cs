using SharpSight.Cli;

return SharpSightCli.Run(args, Console.Out, Console.Error);
