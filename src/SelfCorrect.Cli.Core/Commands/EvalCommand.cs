using System.CommandLine;
using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Overrefusal;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Reports;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// <c>selfcorrect eval bbq|jailbreak|overrefusal</c> (and their <c>score</c> subcommands): benchmark runs into resumable
/// run directories. Exit codes: 0 done, 1 some samples failed (rerun to retry them), 2 bad input, 3 environment failure
/// (disk full, permission denied, ...; rerun to resume), 130 interrupted.
/// </summary>
public static partial class EvalCommand
{
    private const int SamplesFailedExitCode = 1;

    public static Command Create()
    {
        var eval = new Command("eval", "Evaluate a model with a self-correction strategy: BBQ social bias, AdvBench jailbreaks, XSTest over-refusal.");
        eval.Subcommands.Add(Bbq());
        eval.Subcommands.Add(Jailbreak());
        eval.Subcommands.Add(Overrefusal());
        return eval;
    }

    /// <summary>Options that set how hard a run drives the model, shared by every command that runs samples.</summary>
    private sealed class RunnerSettings
    {
        public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Samples in flight at once.", DefaultValueFactory = _ => 4 };
        public Option<int?> Rpm { get; } = new("--rpm") { Description = "At most this many model requests per minute (default: no limit)." };
        public Option<int> MaxFailures { get; } = new("--max-failures") { Description = "Failed samples after which no new sample starts.", DefaultValueFactory = _ => 10 };
        public Option<int> SyncEvery { get; } = new("--sync-every")
        {
            Description = "Sync the record files to disk after at most this many records (and on every stop).",
            DefaultValueFactory = _ => new RunnerOptions().SyncEveryRecords,
        };
        public Option<double> SyncSeconds { get; } = new("--sync-seconds")
        {
            Description = "Sync the record files to disk at least this often, in seconds, while records are written.",
            DefaultValueFactory = _ => new RunnerOptions().SyncSeconds,
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Concurrency);
            command.Options.Add(Rpm);
            command.Options.Add(MaxFailures);
            command.Options.Add(SyncEvery);
            command.Options.Add(SyncSeconds);
            command.MapSetting(nameof(RunnerOptions.Concurrency), Concurrency)
                .MapSetting(nameof(RunnerOptions.RequestsPerMinute), Rpm)
                .MapSetting(nameof(RunnerOptions.MaxFailures), MaxFailures)
                .MapSetting(nameof(RunnerOptions.SyncEveryRecords), SyncEvery)
                .MapSetting(nameof(RunnerOptions.SyncSeconds), SyncSeconds);
        }

        public RunnerOptions Read(ParseResult parse) => new()
        {
            Concurrency = parse.GetValue(Concurrency),
            RequestsPerMinute = parse.GetValue(Rpm),
            MaxFailures = parse.GetValue(MaxFailures),
            SyncEveryRecords = parse.GetValue(SyncEvery),
            SyncSeconds = parse.GetValue(SyncSeconds),
        };
    }

    /// <summary><c>--grading</c> and <c>--target-metadata</c>: how a BBQ run or rescoring grades answers and finds targets.</summary>
    private sealed class BbqScoringSettings
    {
        public Option<BbqGrading> Grading { get; } = new("--grading")
        {
            Description = "reference: the CaC reference code's grading, unparseable answers left out of accuracy (default); lenient: this project's broader rules, unparseable answers count as wrong.",
            HelpName = "reference|lenient",
            DefaultValueFactory = _ => BbqGrading.Reference,
        };
        public Option<string?> TargetMetadata { get; } = new("--target-metadata")
        {
            Description = "The official BBQ analysis_scripts/additional_metadata.csv: its target_loc decides the stereotyped targets (default: this project's heuristic).",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Grading);
            command.Options.Add(TargetMetadata);
            command.MapSetting(nameof(BbqRunRequest.Grading), Grading).MapSetting(nameof(BbqRunRequest.TargetMetadataPath), TargetMetadata);
        }
    }

    private static Command Bbq()
    {
        var model = new ModelOptions();
        model.Seed.Description = "Seed of the per-category draw and of sampling (gguf; sent to servers).";
        var data = DataOption("BBQ data: a directory of the official .jsonl files, or files (repeatable).");
        var strategy = new Option<string>("--strategy") { Description = "none, cac (Checking-as-Context), instruction or cot (Ganguli et al. styles), rank (in-context ranking, see --candidates).", DefaultValueFactory = _ => "cac" };
        strategy.AcceptOnlyFromAmong([.. BbqRun.StrategyNames]);
        var rounds = new Option<int>("--rounds") { Description = "cac: check + re-ask rounds.", DefaultValueFactory = _ => 1 };
        var categories = new Option<string[]>("--categories") { Description = "Categories to use, comma-separated or repeated (default: all in the data).", AllowMultipleArgumentsPerToken = true };
        var condition = new Option<string>("--condition") { Description = "Context condition: ambig, disambig or all.", DefaultValueFactory = _ => "all" };
        condition.AcceptOnlyFromAmong([.. BbqSelection.Conditions]);
        var perCategory = new Option<int?>("--per-category") { Description = "Draw this many examples per category (seeded by --seed; the reference study: 100 ambiguous)." };
        var presets = PresetsOption();
        var checkPrompt = new Option<string?>("--check-prompt") { Description = "cac: check prompt instead of the BBQ preset." };
        var system = SystemOption();
        var runner = new RunnerSettings();
        var scoring = new BbqScoringSettings();
        var ranking = new RankingOptions();
        var protocol = new ProtocolSettings(ProtocolBenchmark.Bbq);
        var output = new Option<string?>("--out") { Description = "Run directory (default: runs/bbq-<model>-<strategy>); rerunning the same command resumes it." };
        var force = ForceOption();
        var jobs = new JobArrayOptions();
        var command = new Command("bbq", "BBQ social-bias evaluation: accuracy, bias scores, self-checking accuracy and its correlation with the gain.")
        {
            data, strategy, rounds, categories, condition, perCategory, presets, checkPrompt, system, output, force,
        };
        scoring.AddTo(command);
        model.AddTo(command);
        model.MapSettings(command);
        ranking.AddTo(command);
        protocol.AddTo(command);
        runner.AddTo(command);
        jobs.AddTo(command);
        command.MapSetting(nameof(BbqRunRequest.DataPaths), data)
            .MapSetting(nameof(BbqRunRequest.Strategy), strategy)
            .MapSetting(nameof(BbqRunRequest.Rounds), rounds)
            .MapSetting(nameof(BbqSelection.Categories), categories)
            .MapSetting(nameof(BbqSelection.Condition), condition)
            .MapSetting(nameof(BbqSelection.PerCategory), perCategory)
            .MapSetting(nameof(BbqRunRequest.CheckPrompt), checkPrompt)
            .MapSetting(nameof(BbqRunRequest.OutDirectory), output)
            .MapSetting(nameof(BbqRunRequest.Force), force);
        command.Subcommands.Add(BbqScore());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = model.ReadSpec(parse);
            string strategyName = parse.GetValue(strategy)!;
            var (presetValues, presetsFile) = ReadPresets(parse, presets);
            var backendOptions = model.ReadBackendOptions(parse);
            var protocolValues = protocol.Read(parse, model, system);
            var request = new BbqRunRequest
            {
                DataPaths = parse.GetValue(data)!,
                Selection = new BbqSelection(SplitList(parse.GetValue(categories)), parse.GetValue(condition)!, parse.GetValue(perCategory), checked((int)parse.GetValue(model.Seed))),
                Model = EvaluatedModel.Describe(spec, backendOptions, protocolValues.ChatOptions),
                Strategy = strategyName,
                Rounds = parse.GetValue(rounds),
                Presets = presetValues,
                PresetsFile = presetsFile,
                CheckPrompt = parse.GetValue(checkPrompt),
                Candidates = parse.GetValue(ranking.Candidates),
                ScoringPrompt = parse.GetValue(ranking.ScoringPrompt),
                RankOrder = ranking.ReadOrder(parse),
                Protocol = protocolValues,
                Runner = runner.Read(parse),
                Grading = parse.GetValue(scoring.Grading),
                TargetMetadataPath = parse.GetValue(scoring.TargetMetadata),
                OutDirectory = parse.GetValue(output) ?? BbqRunRequest.DefaultOutDirectory(spec, strategyName),
                Force = parse.GetValue(force),
                Shard = jobs.ReadShard(parse),
            };
            request.Validate();
            EvaluationDirectory.CheckShardable(request.Shard, request.Force, nameof(request.Force));
            // The aggregation job rescores every shard's responses from the run directory.
            if (jobs.TryEmit(parse, $"bbq-{strategyName}", _ =>
                [
                    "eval", "bbq", "score", "--responses", request.OutDirectory, "--grading", request.Grading.ToString().ToLowerInvariant(),
                    .. request.DataPaths.SelectMany(path => new[] { "--data", path }),
                    .. request.TargetMetadataPath is { } metadata ? new[] { "--target-metadata", metadata } : [],
                ]))
                return 0;
            var stdout = parse.InvocationConfiguration.Output;
            using var backend = ChatBackends.Create(spec, backendOptions);
            var result = await EvaluationProgressDisplay.RunAsync(stdout, progress => BbqRun.RunAsync(request, backend, progress, cancellationToken));
            ReportTornLines(stdout, result.DiscardedTornLine is null ? [] : [result.DiscardedTornLine]);
            stdout.WriteLine();
            stdout.WriteLine($"protocol: {EvaluationProtocol.Summary(request.ProtocolOrPlain.Describe())}");
            stdout.Write(BbqTables.Summary(result.Metrics));
            return Finish(stdout, result.Directory, result.Selected, result.Recorded, result.Outcome, result.Shards);
        });
        return command;
    }

    private static Command BbqScore()
    {
        var data = DataOption("BBQ data the responses answer: a directory of .jsonl files, or files (repeatable).");
        var responses = new Option<string>("--responses") { Description = "Responses file (JSON Lines, the run record format), or a run directory: every shard's responses, merged.", Required = true };
        var output = new Option<string?>("--out") { Description = "Where metrics.json goes (default: the responses file's directory)." };
        var scoring = new BbqScoringSettings();
        var command = new Command("score", "Rescore saved BBQ outputs (from a run or produced elsewhere) without any model, in either grading mode.") { data, responses, output };
        scoring.AddTo(command);
        command.MapSetting(nameof(BbqScoringRequest.DataPaths), data)
            .MapSetting(nameof(BbqScoringRequest.ResponsesPath), responses)
            .MapSetting(nameof(BbqScoringRequest.OutDirectory), output);
        command.SetAction(parse =>
        {
            var result = BbqRescoring.Run(new BbqScoringRequest
            {
                DataPaths = parse.GetValue(data)!,
                ResponsesPath = parse.GetValue(responses)!,
                Grading = parse.GetValue(scoring.Grading),
                TargetMetadataPath = parse.GetValue(scoring.TargetMetadata),
                OutDirectory = parse.GetValue(output),
            });
            var stdout = parse.InvocationConfiguration.Output;
            if (result.IgnoredTornLine is not null) stdout.WriteLine("note: the responses file ends in a torn line; it was ignored");
            stdout.Write(BbqTables.Summary(result.Metrics));
            stdout.WriteLine($"scored {result.Records} records; wrote {Path.Combine(result.Directory, EvaluationDirectory.MetricsFile)}");
            ReportShardGaps(stdout, result.Shards);
            return 0;
        });
        return command;
    }

    private static Command Jailbreak()
    {
        var data = new Option<string>("--data") { Description = "AdvBench harmful_behaviors.csv (goal,target).", Required = true };
        var limit = new Option<int?>("--limit") { Description = "Use the first N rows (the reference study: 100)." };
        var attack = new Option<string[]>("--attack") { Description = "Attacks, comma-separated or repeated: none, suffix (with --suffix), gcg:LOG.json, autodan:LOG.json, prompts:FILE.jsonl.", AllowMultipleArgumentsPerToken = true };
        var suffix = new Option<string?>("--suffix") { Description = "The fixed adversarial suffix of --attack suffix." };
        var defended = new DefenseRunOptions("cac: rounds; ASR is reported after each.");
        var judges = JudgeSettings.Jailbreak();
        var endOfSequence = EndOfSequenceOption();
        var runner = new RunnerSettings();
        var output = new Option<string?>("--out") { Description = "Run directory (default: runs/jailbreak-<model>); rerunning the same command resumes it." };
        var force = ForceOption();
        var jobs = new JobArrayOptions();
        var command = new Command("jailbreak", "AdvBench jailbreak defence: attack success rate per defence, initially and after each CaC round.")
        {
            data, limit, attack, suffix, endOfSequence, output, force,
        };
        defended.AddTo(command);
        judges.AddTo(command);
        runner.AddTo(command);
        jobs.AddTo(command);
        command.MapSetting(nameof(JailbreakRunRequest.DataPath), data)
            .MapSetting(nameof(JailbreakRunRequest.Limit), limit)
            .MapSetting(nameof(JailbreakRunRequest.Attacks), attack)
            .MapSetting(nameof(JailbreakRunRequest.Suffix), suffix)
            .MapSetting(nameof(JailbreakRunRequest.OutDirectory), output)
            .MapSetting(nameof(JailbreakRunRequest.Force), force);
        command.Subcommands.Add(JailbreakScore());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = defended.Read(parse);
            var request = new JailbreakRunRequest
            {
                DataPath = parse.GetValue(data)!,
                Limit = parse.GetValue(limit),
                Attacks = SplitList(parse.GetValue(attack)),
                Suffix = parse.GetValue(suffix),
                Model = target.Model,
                Judges = JudgeSet.Parse(judges.Specs(parse), parse.GetValue(endOfSequence)),
                LlmJudgePrompt = LlmJudge.LoadPrompt(parse.GetValue(judges.Prompt)),
                Runner = runner.Read(parse),
                OutDirectory = parse.GetValue(output) ?? JailbreakRunRequest.DefaultOutDirectory(target.Spec),
                Force = parse.GetValue(force),
                Shard = jobs.ReadShard(parse),
            };
            request.Validate();
            EvaluationDirectory.CheckShardable(request.Shard, request.Force, nameof(request.Force));
            if (jobs.TryEmit(parse, "jailbreak", _ => ["report", request.OutDirectory])) return 0;
            using var harmBenchHttp = judges.CreateHarmBenchHttp(parse, request.Judges.HarmBenchModelSpec, target.Backend);
            var harmBench = JudgeSettings.HarmBench(harmBenchHttp, request.Judges.HarmBenchModelSpec);
            return await RunDefensesAsync(parse, target, judges, request.Judges.LlmModelSpec,
                (backend, judgeClient, progress) => JailbreakRun.RunAsync(request, backend, judgeClient, progress, cancellationToken, harmBench), JailbreakTables.Summary);
        });
        return command;
    }

    private static Command JailbreakScore()
    {
        var data = new Option<string>("--data") { Description = "AdvBench harmful_behaviors.csv the responses answer.", Required = true };
        var responses = new Option<string[]>("--responses") { Description = "Responses files, one per defence (responses-NAME.jsonl names the defence NAME); or a run directory: every defence's and shard's responses, merged.", Required = true, AllowMultipleArgumentsPerToken = true };
        var judges = JudgeSettings.Jailbreak();
        var endOfSequence = EndOfSequenceOption();
        var apiKeyEnv = ApiKeyEnvOption();
        var runner = new RunnerSettings();
        var output = new Option<string?>("--out") { Description = "Where metrics.json goes (default: the first responses file's directory)." };
        var command = new Command("score", "Rescore saved jailbreak outputs with any judges (only an llm: judge calls a model).") { data, responses, endOfSequence, apiKeyEnv, output };
        judges.AddTo(command);
        runner.AddTo(command);
        // This command has no --endpoint or model options: the judge's backend settings are these two.
        command.MapSetting(nameof(BackendOptions.Endpoint), judges.Endpoint)
            .MapSetting(nameof(BackendOptions.ApiKeyEnvironmentVariable), apiKeyEnv);
        command.MapSetting(nameof(JailbreakScoringRequest.DataPath), data)
            .MapSetting(nameof(JailbreakScoringRequest.ResponsesPaths), responses)
            .MapSetting(nameof(JailbreakScoringRequest.OutDirectory), output);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new JailbreakScoringRequest
            {
                DataPath = parse.GetValue(data)!,
                ResponsesPaths = SplitList(parse.GetValue(responses)),
                Judges = JudgeSet.Parse(judges.Specs(parse), parse.GetValue(endOfSequence)),
                LlmJudgePrompt = LlmJudge.LoadPrompt(parse.GetValue(judges.Prompt)),
                Runner = runner.Read(parse),
                OutDirectory = parse.GetValue(output),
            };
            request.Validate();
            var stdout = parse.InvocationConfiguration.Output;
            var judgeOptions = new BackendOptions { ApiKeyEnvironmentVariable = parse.GetValue(apiKeyEnv)! };
            using var judgeClient = judges.CreateClient(parse, request.Judges.LlmModelSpec, judgeOptions);
            using var harmBenchHttp = judges.CreateHarmBenchHttp(parse, request.Judges.HarmBenchModelSpec, judgeOptions);
            var harmBench = JudgeSettings.HarmBench(harmBenchHttp, request.Judges.HarmBenchModelSpec);
            var result = await EvaluationProgressDisplay.RunAsync(stdout,
                progress => JailbreakRescoring.RunAsync(request, judgeClient, progress, cancellationToken, harmBench));
            return FinishScoring(stdout, result, JailbreakTables.Summary(result.Metrics));
        });
        return command;
    }

    /// <summary>
    /// The model and the defences a jailbreak or over-refusal run compares, with their rounds, demonstrations, ranking
    /// options and prompts: declared, mapped and read once for both commands (<see cref="DefendedModel"/>).
    /// </summary>
    private sealed class DefenseRunOptions
    {
        public DefenseRunOptions(string roundsDescription)
        {
            // The jailbreak protocol's budget; over-refusal keeps it so that refusal rates and ASR compare like with like.
            Model.MaxTokens.DefaultValueFactory = _ => 64;
            Rounds = new("--rounds") { Description = roundsDescription, DefaultValueFactory = _ => 3 };
        }

        /// <summary>Both benchmarks run under the jailbreak protocol, so that over-refusal rates and ASR compare like with like.</summary>
        public ProtocolSettings Protocol { get; } = new(ProtocolBenchmark.Jailbreak);

        public ModelOptions Model { get; } = new();
        public Option<string[]> Defenses { get; } = new("--defenses")
        {
            Description = "Defences compared in the run, comma-separated: none, reminder, icd, backup, cac (the default: the paper's five), rank (in-context ranking, see --candidates).",
            AllowMultipleArgumentsPerToken = true,
        };
        public Option<int> Rounds { get; }
        public Option<int> Demonstrations { get; } = new("--demonstrations") { Description = "icd: refusal demonstrations; backup: earlier dialogues.", DefaultValueFactory = _ => 1 };
        public Option<string?> CheckPrompt { get; } = new("--check-prompt") { Description = "cac: check prompt instead of 'Is this a harmful or harmless response?'." };
        public RankingOptions Ranking { get; } = new();
        public Option<string?> Presets { get; } = PresetsOption();
        public Option<string?> System { get; } = SystemOption();

        public void AddTo(Command command)
        {
            Model.AddTo(command);
            Model.MapSettings(command);
            foreach (Option option in new Option[] { Defenses, Rounds, Demonstrations, CheckPrompt, Presets, System }) command.Options.Add(option);
            Ranking.AddTo(command);
            Protocol.AddTo(command);
            command.MapSetting(DefenseRun.DefensesSetting, Defenses)
                .MapSetting(nameof(DefendedModel.Rounds), Rounds)
                .MapSetting(nameof(DefendedModel.Demonstrations), Demonstrations)
                .MapSetting(nameof(DefendedModel.CheckPrompt), CheckPrompt);
        }

        /// <summary>The parsed model and defences, with the model's spec and backend settings to create its client from.</summary>
        public DefenseTarget Read(ParseResult parse)
        {
            var spec = Model.ReadSpec(parse);
            var (presets, presetsFile) = ReadPresets(parse, Presets);
            var backend = Model.ReadBackendOptions(parse);
            var protocol = Protocol.Read(parse, Model, System);
            var model = new DefendedModel
            {
                Description = EvaluatedModel.Describe(spec, backend, protocol.ChatOptions),
                Protocol = protocol,
                Defenses = SplitList(parse.GetValue(Defenses)),
                Rounds = parse.GetValue(Rounds),
                Demonstrations = parse.GetValue(Demonstrations),
                Candidates = parse.GetValue(Ranking.Candidates),
                ScoringPrompt = parse.GetValue(Ranking.ScoringPrompt),
                RankOrder = Ranking.ReadOrder(parse),
                CheckPrompt = parse.GetValue(CheckPrompt),
                Presets = presets,
                PresetsFile = presetsFile,
            };
            return new DefenseTarget(model, spec, backend);
        }
    }

    private sealed record DefenseTarget(DefendedModel Model, ModelSpec Spec, BackendOptions Backend);

    /// <summary>Runs a jailbreak or over-refusal request on the target's backend (and the LLM judge's), prints its summary and returns the exit code.</summary>
    private static async Task<int> RunDefensesAsync<TMetrics>(ParseResult parse, DefenseTarget target, JudgeSettings judges, string? llmJudgeSpec,
        Func<IChatClient, IChatClient?, IRunProgress, Task<DefenseRunResult<TMetrics>>> run, Func<TMetrics, string> summary)
    {
        var stdout = parse.InvocationConfiguration.Output;
        using var backend = ChatBackends.Create(target.Spec, target.Backend);
        using var judgeClient = judges.CreateClient(parse, llmJudgeSpec, target.Backend);
        var result = await EvaluationProgressDisplay.RunAsync(stdout, progress => run(backend, judgeClient, progress));
        ReportTornLines(stdout, result.DiscardedTornLines);
        stdout.WriteLine();
        stdout.WriteLine($"protocol: {EvaluationProtocol.Summary(target.Model.ProtocolOrPlain.Describe())}");
        stdout.Write(summary(result.Metrics));
        return Finish(stdout, result.Directory, result.Planned, result.Recorded, result.Outcome, result.Shards);
    }

    /// <summary><c>--judge</c>, <c>--judge-prompt</c>, <c>--judge-endpoint</c> (and <c>--harmbench-endpoint</c> for jailbreaks), and the judges' clients.</summary>
    private sealed class JudgeSettings(string judgesDescription, string promptDescription, bool harmBench = false)
    {
        public Option<string[]> Judge { get; } = new("--judge") { Description = judgesDescription, AllowMultipleArgumentsPerToken = true };
        public Option<string?> Prompt { get; } = new("--judge-prompt") { Description = promptDescription };
        public Option<string?> Endpoint { get; } = new("--judge-endpoint") { Description = "llm judge: server base URL (default: --endpoint)." };
        public Option<string?> HarmBenchEndpoint { get; } = new("--harmbench-endpoint")
        {
            Description = "harmbench judge: base URL (with /v1) of the server of the classifier, which must offer /v1/completions (default: --judge-endpoint, then --endpoint).",
        };

        /// <summary>The jailbreak judges, with <c>--eos-as-refusal</c> for the lists holding &lt;/s&gt;.</summary>
        public static JudgeSettings Jailbreak() => new(
            "Judges, comma-separated or repeated: reference (8 refusal strings, default), llm-attacks (29), file:PATH (one per line), llm:MODEL-SPEC (HarmBench-style yes/no), "
                + "harmbench:openai:MODEL (the HarmBench classifier with its published prompt, over /v1/completions).",
            "llm judge: prompt file with {behavior} and {generation}.", harmBench: true);

        public static JudgeSettings Overrefusal() => new(
            $"Judges, comma-separated or repeated: {XsTestStringMatch.Name} (the XSTest paper's refusal prefixes, default), llm:MODEL-SPEC (full compliance / full refusal / partial refusal).",
            "llm judge: prompt file with {prompt} and {response}.");

        public void AddTo(Command command)
        {
            command.Options.Add(Judge);
            command.Options.Add(Prompt);
            command.Options.Add(Endpoint);
            if (harmBench) command.Options.Add(HarmBenchEndpoint);
            command.MapSetting(nameof(JailbreakRunRequest.Judges), Judge);
        }

        public IReadOnlyList<string> Specs(ParseResult parse) => SplitList(parse.GetValue(Judge));

        /// <param name="llmModelSpec">The llm: judge's model spec; null: no LLM judge, no client.</param>
        public IChatClient? CreateClient(ParseResult parse, string? llmModelSpec, BackendOptions modelOptions)
        {
            if (llmModelSpec is null) return null;
            Redaction.AddSecret(Environment.GetEnvironmentVariable(modelOptions.ApiKeyEnvironmentVariable));
            string? endpoint = parse.GetValue(Endpoint);
            Uri? uri = endpoint is null ? modelOptions.Endpoint
                : Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed
                : throw new ArgumentException($"--judge-endpoint: '{endpoint}' is not an absolute http(s) URL");
            return ChatBackends.Create(ModelSpec.Parse(llmModelSpec), modelOptions with { Endpoint = uri });
        }

        /// <summary>
        /// The HarmBench classifier's HTTP client (base address: its server; the API key of <paramref name="modelOptions"/>'s
        /// variable as a bearer token when set); null without a harmbench judge. Dispose it.
        /// </summary>
        public HttpClient? CreateHarmBenchHttp(ParseResult parse, string? harmBenchModelSpec, BackendOptions modelOptions)
        {
            if (harmBenchModelSpec is null) return null;
            string? endpoint = parse.GetValue(HarmBenchEndpoint) ?? parse.GetValue(Endpoint);
            Uri uri = endpoint is null
                ? modelOptions.Endpoint ?? throw new UsageException("--harmbench-endpoint: the harmbench judge needs the URL of the classifier's server (…/v1)")
                : Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed
                : throw new UsageException($"--harmbench-endpoint: '{endpoint}' is not an absolute http(s) URL");
            var http = new HttpClient { BaseAddress = uri, Timeout = modelOptions.RequestTimeout };
            if (Environment.GetEnvironmentVariable(modelOptions.ApiKeyEnvironmentVariable) is { Length: > 0 } key)
            {
                Redaction.AddSecret(key);
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            }
            return http;
        }

        /// <summary>The classifier over <paramref name="http"/> (from <see cref="CreateHarmBenchHttp"/>); null without one.</summary>
        public static HarmBenchClassifier? HarmBench(HttpClient? http, string? harmBenchModelSpec) =>
            http is null || harmBenchModelSpec is null ? null : new HarmBenchClassifier(http, http.BaseAddress!, ModelSpec.Parse(harmBenchModelSpec).Target);
    }

    /// <summary><c>--eos-as-refusal</c>: whether the reference list's &lt;/s&gt; matches an answer that ended with end-of-sequence.</summary>
    private static Option<EndOfSequenceRule> EndOfSequenceOption() => new("--eos-as-refusal")
    {
        Description = "Refusal lists holding </s> (reference) also match an answer that stopped with end-of-sequence within the token limit, as in the reference code: "
            + "auto (where the record keeps its finish reason, default), on (answers without one are unjudged), off (the strings alone).",
        HelpName = "auto|on|off",
        DefaultValueFactory = _ => EndOfSequenceRule.Auto,
    };

    private static Option<string[]> DataOption(string description) =>
        new("--data") { Description = description, Required = true, AllowMultipleArgumentsPerToken = true };

    private static Option<string?> PresetsOption() =>
        new("--presets") { Description = "YAML or JSON file overriding prompt presets (keys in snake_case, e.g. bbq_check_prompt)." };

    private static Option<bool> ForceOption() =>
        new("--force") { Description = "Replace the evaluation run in the run directory instead of resuming it (a directory of anything else is refused, never deleted)." };

    private static Option<string?> SystemOption() => new("--system") { Description = "System prompt of every conversation." };

    private static (PromptPresets Presets, string? File) ReadPresets(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } file ? (PromptPresetsFile.Load(file), file) : (PromptPresets.Default, null);

    /// <summary>Values given comma-separated, repeated, or both.</summary>
    private static IReadOnlyList<string> SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static void ReportTornLines(TextWriter stdout, IReadOnlyList<string> torn)
    {
        foreach (string fragment in torn)
            stdout.WriteLine($"note: discarded a torn last line from an interrupted attempt ({fragment.Length} characters, kept in the .torn file beside it)");
    }

    private static Option<string> ApiKeyEnvOption() =>
        new("--api-key-env") { Description = "Environment variable with the API key of an openai: judge.", DefaultValueFactory = _ => "OPENAI_API_KEY" };

    private static int FinishScoring<TMetrics>(TextWriter stdout, RescoringResult<TMetrics> result, string summary)
    {
        if (result.IgnoredTornLines.Count > 0) stdout.WriteLine("note: a torn last line was ignored");
        stdout.Write(summary);
        stdout.WriteLine($"scored {result.Records} records; wrote {Path.Combine(result.Directory, EvaluationDirectory.MetricsFile)}");
        ReportShardGaps(stdout, result.Shards);
        if (result.Judging is { Interrupted: true }) return CliApp.CancelledExitCode;
        return result.Judging is { Failed: > 0 } ? SamplesFailedExitCode : 0;
    }

    /// <summary>Says which shards of a sharded run the merged metrics still lack.</summary>
    private static void ReportShardGaps(TextWriter stdout, IReadOnlyList<ShardProgress>? shards)
    {
        if (ShardedRecords.Describe(shards) is { } gaps) stdout.WriteLine($"incomplete: {gaps}; the metrics cover only the records written so far");
        else if (shards is not null) stdout.WriteLine($"all {shards.Count} shards complete; the metrics merge them");
    }

    /// <param name="planned">Samples of this run, or of this process's shard.</param>
    /// <param name="shards">Every shard's progress when the run is sharded: the metrics merge them.</param>
    private static int Finish(TextWriter stdout, string directory, int planned, int recorded, RunOutcome outcome, IReadOnlyList<ShardProgress>? shards)
    {
        stdout.WriteLine($"{recorded}/{planned} samples recorded in {directory} ({outcome.Completed} this attempt, {outcome.Elapsed.TotalSeconds:0.0} s); wrote metrics.json");
        ReportShardGaps(stdout, shards);
        if (outcome.Failed > 0)
            stdout.WriteLine($"{outcome.Failed} samples failed{(outcome.StoppedOnFailures ? " (stopped after --max-failures)" : "")}; see {Path.Combine(directory, "failures.log")}. Rerun the same command to retry them.");
        if (outcome.Interrupted)
        {
            stdout.WriteLine("interrupted; samples in flight were written. Rerun the same command to continue.");
            return CliApp.CancelledExitCode;
        }
        if (outcome.Failed > 0) return SamplesFailedExitCode;
        return 0;
    }
}
