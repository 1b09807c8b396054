return await SelfCorrect.Cli.CliApp.RunAsync(args);
