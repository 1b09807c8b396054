return await SelfCorrect.Cli.CliApp.RunAsync(SelfCorrect.Cli.CliApp.BuildRootCommand(), args);
