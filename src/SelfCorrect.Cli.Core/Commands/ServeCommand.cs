using System.CommandLine;
using SelfCorrect.Correction;
using SelfCorrect.Server;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// <c>selfcorrect serve</c>: an OpenAI-compatible chat-completions server that self-corrects an upstream model
/// (<see cref="SelfCorrectServer"/>), on loopback unless <c>--host</c> says otherwise. Runs until Ctrl-C or SIGTERM,
/// then waits for the requests in flight.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var config = new Option<string?>("--config") { Description = "YAML file of model aliases: models: [{name, model, endpoint, api_key_env, strategy, rounds, protocol, check_prompt, presets}]." };
        var host = new Option<string>("--host") { Description = "Address to bind (default loopback; 0.0.0.0 exposes the server to the network).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8080 };
        var name = new Option<string>("--model-name") { Description = "The name clients send as model for --model.", DefaultValueFactory = _ => "selfcorrect" };
        var strategy = new Option<string>("--strategy") { Description = $"Default strategy: {string.Join(", ", CorrectionStrategies.Names)}.", DefaultValueFactory = _ => "cac" };
        var rounds = new Option<int>("--rounds") { Description = "cac: default check + re-ask rounds.", DefaultValueFactory = _ => 1 };
        var protocol = new Option<string>("--protocol") { Description = "cac: jailbreak or bbq presets.", DefaultValueFactory = _ => "jailbreak" };
        protocol.AcceptOnlyFromAmong("jailbreak", "bbq");
        var checkPrompt = new Option<string?>("--check-prompt") { Description = "cac: check prompt instead of the protocol's." };
        var presets = new Option<string?>("--presets") { Description = "YAML or JSON file overriding prompt presets." };
        var trace = new Option<string>("--trace") { Description = "How much of the self-correction trace responses carry: none, summary (no intermediate texts), full.", DefaultValueFactory = _ => "summary" };
        trace.AcceptOnlyFromAmong("none", "summary", "full");
        var keysFile = new Option<string?>("--api-keys-file") { Description = "File of accepted client keys as SHA-256 hex hashes, one per line (printf %s KEY | sha256sum)." };
        var keysEnv = new Option<string?>("--api-keys-env") { Description = "Environment variable holding accepted client key hashes (comma-separated)." };
        var logPrompts = new Option<bool>("--log-prompts") { Description = "Log each request's last user message (off: prompts are never logged)." };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body accepted.", DefaultValueFactory = _ => 1 << 20 };
        var rateLimit = new Option<int>("--rate-limit") { Description = "Chat requests per minute per client key (0: unlimited).", DefaultValueFactory = _ => 0 };
        var maxConcurrent = new Option<int>("--max-concurrent") { Description = "Chat requests served at once.", DefaultValueFactory = _ => 256 };
        var queue = new Option<int>("--queue") { Description = "Chat requests waiting beyond --max-concurrent before 503.", DefaultValueFactory = _ => 1024 };
        var maxBatch = new Option<int>("--max-batch") { Description = "gguf: requests decoded together, each with --context-size tokens of its own (1: one request at a time).", DefaultValueFactory = _ => 8 };
        var drain = new Option<double>("--drain-timeout") { Description = "Seconds a stop waits for requests in flight.", DefaultValueFactory = _ => 30 };
        var command = new Command("serve", "Serve an OpenAI-compatible chat-completions endpoint that self-corrects an upstream model.")
        {
            config, host, port, name, strategy, rounds, protocol, checkPrompt, presets, trace, keysFile, keysEnv, logPrompts, maxBody, rateLimit, maxConcurrent, queue, maxBatch, drain,
        };
        model.AddTo(command);
        model.MapSettings(command);
        command.MapSetting(StrategyRegistry.StrategySetting, strategy)
            .MapSetting(nameof(StrategySettings.Rounds), rounds)
            .MapSetting(nameof(StrategySettings.CheckPrompt), checkPrompt)
            .MapSetting(nameof(ServerOptions.ConfigFile), config)
            .MapSetting(nameof(ServerOptions.Port), port)
            .MapSetting(nameof(ServerOptions.ModelName), name)
            .MapSetting(nameof(ServerOptions.MaxRequestBodyBytes), maxBody)
            .MapSetting(nameof(ServerOptions.RateLimit), rateLimit)
            .MapSetting(nameof(ServerOptions.MaxConcurrentRequests), maxConcurrent)
            .MapSetting(nameof(ServerOptions.QueueLimit), queue)
            .MapSetting(nameof(ServerOptions.ShutdownTimeout), drain)
            .MapSetting(nameof(BackendOptions.MaxBatch), maxBatch);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string bind = parse.GetValue(host)!;
            if (bind != "localhost" && !System.Net.IPAddress.TryParse(bind, out _))
                throw new UsageException($"--host: '{bind}' is not an IP address (or localhost)");
            var options = new ServerOptions
            {
                Host = bind,
                Port = parse.GetValue(port),
                Model = model.ReadSpec(parse),
                ModelName = parse.GetValue(name)!,
                Backend = model.ReadBackendOptions(parse) with { MaxBatch = parse.GetValue(maxBatch) },
                DefaultChatOptions = model.ReadChatOptions(parse),
                Strategy = parse.GetValue(strategy)!,
                StrategySettings = new StrategySettings
                {
                    Presets = parse.GetValue(presets) is { } file ? PromptPresetsFile.Load(file) : PromptPresets.Default,
                    Rounds = parse.GetValue(rounds),
                    Protocol = parse.GetValue(protocol) == "bbq" ? CorrectionProtocol.Bbq : CorrectionProtocol.Jailbreak,
                    CheckPrompt = parse.GetValue(checkPrompt),
                },
                ConfigFile = parse.GetValue(config),
                PresetsLoader = PromptPresetsFile.Load,
                Trace = Enum.Parse<TraceDetail>(parse.GetValue(trace)!, ignoreCase: true),
                ClientKeyHashes = ClientKeys.Load(parse.GetValue(keysFile), parse.GetValue(keysEnv)),
                LogPrompts = parse.GetValue(logPrompts),
                MaxRequestBodyBytes = parse.GetValue(maxBody),
                RateLimit = parse.GetValue(rateLimit),
                MaxConcurrentRequests = parse.GetValue(maxConcurrent),
                QueueLimit = parse.GetValue(queue),
                ShutdownTimeout = TimeSpan.FromSeconds(parse.GetValue(drain)),
            };
            var stdout = parse.InvocationConfiguration.Output;
            await using var server = await SelfCorrectServer.StartAsync(options, cancellationToken);
            stdout.WriteLine($"serving {string.Join(", ", server.Models.Select(m => $"{m.Name} ({m.Spec}, {m.Strategy})"))} at {server.BaseUri}"
                + (options.ClientKeyHashes.Count == 0 ? " (no client keys: anyone who can connect may use it)" : $" ({options.ClientKeyHashes.Count} client keys)"));
            stdout.Flush();
            await server.WaitForShutdownAsync(cancellationToken);
            stdout.WriteLine("stopped");
            return 0;
        });
        return command;
    }
}
