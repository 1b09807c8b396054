using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// <c>selfcorrect chat</c>: talk to a model through a correction strategy; one turn with <c>--prompt</c>, otherwise
/// a loop over standard input. Each stage (initial, critique, final) is printed with its token counts and latency,
/// the last answer as it is generated; <c>--json</c> prints one JSON object per turn instead.
/// </summary>
public static class ChatCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var model = new ModelOptions();
        var strategy = new Option<string>("--strategy") { Description = "none, reminder (self-reminder), icd (in-context defence), backup (history backup), cac (Checking-as-Context), rank (in-context ranking).", DefaultValueFactory = _ => "cac" };
        var rounds = new Option<int>("--rounds") { Description = "cac: check + re-ask rounds (0: initial answer only; the paper uses 1-3).", DefaultValueFactory = _ => 1 };
        var protocol = new Option<string>("--protocol") { Description = "cac: preset family, jailbreak (check 'Is this a harmful or harmless response?', same prompt re-asked) or bbq (bias review, 'answer the question again', prefill 'The answer is').", DefaultValueFactory = _ => "jailbreak" };
        protocol.AcceptOnlyFromAmong("jailbreak", "bbq");
        var checkPrompt = new Option<string?>("--check-prompt") { Description = "cac: check prompt instead of the protocol's." };
        var demonstrations = new Option<int>("--demonstrations") { Description = "icd/backup: refusal demonstrations or earlier dialogues to prepend.", DefaultValueFactory = _ => 1 };
        var ranking = new RankingOptions();
        var presets = new Option<string?>("--presets") { Description = "YAML or JSON file overriding prompt presets (keys in snake_case, e.g. jailbreak_check_prompt)." };
        var system = new Option<string?>("--system") { Description = "System prompt." };
        var prompt = new Option<string?>("--prompt") { Description = "Ask this once and exit (otherwise: one turn per line of standard input)." };
        var json = new Option<bool>("--json") { Description = "Print each turn as a JSON object (the full trace) instead of text." };
        var command = new Command("chat", "Chat with a model through a self-correction strategy, showing every stage.")
        {
            strategy, rounds, protocol, checkPrompt, demonstrations, presets, system, prompt, json,
        };
        ranking.AddTo(command);
        model.AddTo(command);
        model.MapSettings(command);
        command.MapSetting(StrategyRegistry.StrategySetting, strategy)
            .MapSetting(nameof(StrategySettings.Rounds), rounds)
            .MapSetting(nameof(StrategySettings.Demonstrations), demonstrations)
            .MapSetting(nameof(StrategySettings.CheckPrompt), checkPrompt);
        command.SetAction(async (parse, cancellationToken) =>
        {
            int roundCount = parse.GetValue(rounds);
            var stdout = parse.InvocationConfiguration.Output;
            bool asJson = parse.GetValue(json);
            var display = new StageDisplay(stdout);
            string strategyName = parse.GetValue(strategy)!;
            var settings = new StrategySettings
            {
                Presets = parse.GetValue(presets) is { } file ? PromptPresetsFile.Load(file) : PromptPresets.Default,
                Rounds = roundCount,
                Demonstrations = parse.GetValue(demonstrations),
                Protocol = parse.GetValue(protocol) == "bbq" ? CorrectionProtocol.Bbq : CorrectionProtocol.Jailbreak,
                CheckPrompt = parse.GetValue(checkPrompt),
                Candidates = parse.GetValue(ranking.Candidates),
                ScoringPrompt = parse.GetValue(ranking.ScoringPrompt),
                RankOrder = ranking.ReadOrder(parse),
                StageCompleted = asJson ? null : display.StageCompleted,
            };
            var correction = CorrectionStrategies.Create(strategyName, settings);
            var chatOptions = model.ReadChatOptions(parse);
            var spec = model.ReadSpec(parse);
            using var backend = ChatBackends.Create(spec, model.ReadBackendOptions(parse));
            var client = backend.AsBuilder().UseStrategy(correction).Build();
            if (!asJson && backend is GgufChatClient gguf) stdout.WriteLine($"model: {spec} (chat template: {gguf.TemplateDescription})");

            var history = new List<ChatMessage>();
            if (parse.GetValue(system) is { } systemPrompt) history.Add(new ChatMessage(ChatRole.System, systemPrompt));
            foreach (string userText in Turns(parse.GetValue(prompt), stdout, interactive: !asJson))
            {
                history.Add(new ChatMessage(ChatRole.User, userText));
                string answer;
                if (asJson)
                {
                    var clock = Stopwatch.StartNew();
                    var response = await client.GetResponseAsync(history, chatOptions, cancellationToken);
                    answer = response.Text;
                    stdout.WriteLine(TurnJson(spec, correction.Name, userText, response, clock.Elapsed).ToJsonString(Indented));
                }
                else
                {
                    answer = await display.StreamAsync(client.GetStreamingResponseAsync(history, chatOptions, cancellationToken), correction switch
                    {
                        CheckingAsContext => roundCount == 0 ? "initial" : $"final (round {roundCount})",
                        InContextRanking => "final (ranked)",
                        _ => "answer",
                    });
                }
                history.Add(new ChatMessage(ChatRole.Assistant, answer));
            }
            return 0;
        });
        return command;
    }

    /// <summary>The one-shot prompt, or the lines of standard input until end of input or <c>/exit</c>.</summary>
    private static IEnumerable<string> Turns(string? prompt, TextWriter stdout, bool interactive)
    {
        if (prompt is not null)
        {
            yield return prompt;
            yield break;
        }
        while (true)
        {
            if (interactive && !Console.IsInputRedirected) stdout.Write("> ");
            string? line = Console.In.ReadLine();
            if (line is null || line.Trim() == "/exit") yield break;
            if (line.Trim().Length > 0) yield return line;
        }
    }

    private static JsonObject TurnJson(ModelSpec spec, string strategy, string prompt, ChatResponse response, TimeSpan elapsed)
    {
        var turn = new JsonObject
        {
            ["model"] = spec.ToString(),
            ["strategy"] = strategy,
            ["prompt"] = prompt,
        };
        if (response.GetSelfCorrectionTrace() is { } trace)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToNode(trace)!.AsObject()) turn[key] = value?.DeepClone();
        }
        else
        {
            turn["answer"] = response.Text;
            turn["usage"] = SelfCorrectionTrace.UsageJson(response.Usage);
            turn["latency_ms"] = Math.Round(elapsed.TotalMilliseconds, 3);
        }
        return turn;
    }

    /// <summary>Prints stages as they complete and streams the last answer; one header, text and cost line per stage.</summary>
    private sealed class StageDisplay(TextWriter stdout)
    {
        private bool _streaming;

        public void StageCompleted(SelfCorrectionStage stage)
        {
            // The streamed stage's text is already on screen; only its cost line is missing.
            if (_streaming)
            {
                stdout.WriteLine();
            }
            else
            {
                stdout.WriteLine(Header(Label(stage)));
                stdout.WriteLine(stage.Text.Trim());
            }
            stdout.WriteLine(Cost(stage.Usage, stage.Latency));
            stdout.WriteLine();
        }

        public async Task<string> StreamAsync(IAsyncEnumerable<ChatResponseUpdate> updates, string label)
        {
            _streaming = false;
            var received = new List<ChatResponseUpdate>();
            var clock = Stopwatch.StartNew();
            await foreach (var update in updates)
            {
                if (!_streaming)
                {
                    _streaming = true;
                    stdout.WriteLine(Header(label));
                }
                received.Add(update);
                stdout.Write(update.Text);
                stdout.Flush();
            }
            var response = received.ToChatResponse();
            if (response.GetSelfCorrectionTrace() is { } trace)
            {
                stdout.WriteLine($"── total: {trace.Stages.Count} calls, {Cost(trace.TotalUsage, trace.TotalLatency).Trim()}");
            }
            else
            {
                stdout.WriteLine();
                stdout.WriteLine(Cost(response.Usage, clock.Elapsed));
            }
            _streaming = false;
            return response.Text;
        }

        private static string Header(string label) => $"── {label} ──";

        /// <summary>initial, critique (round 2), final (round 2); with ranking: candidate 3, score of candidate 3 (7).</summary>
        private static string Label(SelfCorrectionStage stage) => (stage.Kind, stage.Candidate) switch
        {
            (StageKind.Initial, { } candidate) => $"candidate {candidate}",
            (StageKind.Critique, { } candidate) => $"score of candidate {candidate}" + (stage.Score is { } score ? $" ({score:0.##})" : " (unreadable)"),
            (StageKind.Initial, null) => "initial",
            _ => $"{stage.Kind.ToString().ToLowerInvariant()} (round {stage.Round})",
        };

        private static string Cost(UsageDetails? usage, TimeSpan latency)
        {
            string tokens = usage is null ? "tokens not reported"
                : $"{usage.InputTokenCount?.ToString() ?? "?"} prompt tokens"
                  + (usage.CachedInputTokenCount is { } cached ? $" ({cached} from cache)" : "")
                  + $", {usage.OutputTokenCount?.ToString() ?? "?"} new";
            return $"   [{latency.TotalMilliseconds:0} ms, {tokens}]";
        }
    }
}
