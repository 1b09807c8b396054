using System.CommandLine;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Overrefusal;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Reports;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>selfcorrect eval overrefusal</c> and <c>eval overrefusal score</c>: XSTest with the jailbreak run's defences.</summary>
public static partial class EvalCommand
{
    private static Command Overrefusal()
    {
        var data = new Option<string>("--data") { Description = "XSTest xstest_prompts.csv (id,prompt,type,label,focus,note).", Required = true };
        var limit = new Option<int?>("--limit") { Description = "Use the first N prompts (default: all 450)." };
        var defended = new DefenseRunOptions("cac: rounds; refusal rates are reported after each.");
        var judges = JudgeSettings.Overrefusal();
        var runner = new RunnerSettings();
        var output = new Option<string?>("--out") { Description = "Run directory (default: runs/overrefusal-<model>); rerunning the same command resumes it." };
        var force = ForceOption();
        var jobs = new JobArrayOptions();
        var command = new Command("overrefusal", "XSTest over-refusal: how often each defence refuses safe prompts (and unsafe ones), initially and after each CaC round.")
        {
            data, limit, output, force,
        };
        defended.AddTo(command);
        judges.AddTo(command);
        runner.AddTo(command);
        jobs.AddTo(command);
        command.MapSetting(nameof(OverrefusalRunRequest.DataPath), data)
            .MapSetting(nameof(OverrefusalRunRequest.Limit), limit)
            .MapSetting(nameof(OverrefusalRunRequest.OutDirectory), output)
            .MapSetting(nameof(OverrefusalRunRequest.Force), force);
        command.Subcommands.Add(OverrefusalScore());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = defended.Read(parse);
            var request = new OverrefusalRunRequest
            {
                DataPath = parse.GetValue(data)!,
                Limit = parse.GetValue(limit),
                Model = target.Model,
                Judges = OverrefusalJudges.Parse(judges.Specs(parse)),
                LlmJudgePrompt = RefusalLlmJudge.LoadPrompt(parse.GetValue(judges.Prompt)),
                Runner = runner.Read(parse),
                OutDirectory = parse.GetValue(output) ?? OverrefusalRunRequest.DefaultOutDirectory(target.Spec),
                Force = parse.GetValue(force),
                Shard = jobs.ReadShard(parse),
            };
            request.Validate();
            EvaluationDirectory.CheckShardable(request.Shard, request.Force, nameof(request.Force));
            if (jobs.TryEmit(parse, "overrefusal", _ => ["report", request.OutDirectory])) return 0;
            return await RunDefensesAsync(parse, target, judges, request.Judges.LlmModelSpec,
                (backend, judgeClient, progress) => OverrefusalRun.RunAsync(request, backend, judgeClient, progress, cancellationToken), OverrefusalTables.Summary);
        });
        return command;
    }

    private static Command OverrefusalScore()
    {
        var data = new Option<string>("--data") { Description = "XSTest xstest_prompts.csv the responses answer.", Required = true };
        var responses = new Option<string[]>("--responses") { Description = "Responses files, one per defence (responses-NAME.jsonl names the defence NAME), keyed by id; or a run directory: every defence's and shard's responses, merged.", Required = true, AllowMultipleArgumentsPerToken = true };
        var judges = JudgeSettings.Overrefusal();
        var apiKeyEnv = ApiKeyEnvOption();
        var runner = new RunnerSettings();
        var output = new Option<string?>("--out") { Description = "Where metrics.json goes (default: the first responses file's directory)." };
        var command = new Command("score", "Rescore saved over-refusal outputs with any judges (only an llm: judge calls a model).") { data, responses, apiKeyEnv, output };
        judges.AddTo(command);
        runner.AddTo(command);
        command.MapSetting(nameof(OverrefusalScoringRequest.DataPath), data)
            .MapSetting(nameof(OverrefusalScoringRequest.ResponsesPaths), responses)
            .MapSetting(nameof(OverrefusalScoringRequest.OutDirectory), output);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new OverrefusalScoringRequest
            {
                DataPath = parse.GetValue(data)!,
                ResponsesPaths = SplitList(parse.GetValue(responses)),
                Judges = OverrefusalJudges.Parse(judges.Specs(parse)),
                LlmJudgePrompt = RefusalLlmJudge.LoadPrompt(parse.GetValue(judges.Prompt)),
                Runner = runner.Read(parse),
                OutDirectory = parse.GetValue(output),
            };
            request.Validate();
            var stdout = parse.InvocationConfiguration.Output;
            using var judgeClient = judges.CreateClient(parse, request.Judges.LlmModelSpec, new BackendOptions { ApiKeyEnvironmentVariable = parse.GetValue(apiKeyEnv)! });
            var result = await EvaluationProgressDisplay.RunAsync(stdout, progress => OverrefusalRescoring.RunAsync(request, judgeClient, progress, cancellationToken));
            return FinishScoring(stdout, result, OverrefusalTables.Summary(result.Metrics));
        });
        return command;
    }
}
