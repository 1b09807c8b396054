// Before anything loads libtorch: its OpenMP threads read their wait policy once (docs/platform.md, threads).
SelfCorrect.Alignment.TorchThreads.PreferPassiveWaiting();
return await SelfCorrect.Cli.CliApp.RunAsync(SelfCorrect.Cli.LabCli.BuildRootCommand(), args);
