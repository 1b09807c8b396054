return await SelfCorrect.Cli.CliApp.RunAsync(SelfCorrect.Cli.LabCli.BuildRootCommand(), args);
