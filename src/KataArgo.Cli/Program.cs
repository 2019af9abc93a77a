using KataArgo.Cli;

return await KataArgoCli.RunAsync(args, CliConsole.System());
