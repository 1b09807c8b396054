using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// What the jailbreak and over-refusal runs share: every prompt is sent under every defence (the correction strategies
/// of <see cref="CorrectionStrategies"/>, with the jailbreak protocol's check and re-ask) into one run directory, one
/// resumable responses file per defence (<c>responses-NAME.jsonl</c>).
/// </summary>
public static class DefenseRun
{
    /// <summary>The request property that names the defences: the run requests of both benchmarks call it this.</summary>
    public const string DefensesSetting = "Defenses";

    /// <summary>A defence's responses file in the run directory: <c>responses-NAME.jsonl</c>.</summary>
    public static string ResponsesFileName(string defense) => $"responses-{defense}.jsonl";

    /// <summary>The defence name of a responses file: <c>responses-NAME.jsonl</c> gives NAME, any other file its stem.</summary>
    public static string DefenseOf(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        return stem.StartsWith("responses-", StringComparison.Ordinal) && stem.Length > "responses-".Length ? stem["responses-".Length..] : stem;
    }

    /// <summary>The named defences (all of them when none is named); an unknown or repeated name is an error naming <see cref="DefensesSetting"/>.</summary>
    public static IReadOnlyList<ICorrectionStrategy> CreateDefenses(IReadOnlyList<string> names, StrategySettings settings)
    {
        var chosen = names.Count == 0 ? CorrectionStrategies.PaperDefenses : names;
        if (chosen.Distinct().Count() != chosen.Count) throw new InvalidSettingException(DefensesSetting, "a defence is given twice");
        return chosen.Select(name => CorrectionStrategies.Create(name, settings with { Protocol = CorrectionProtocol.Jailbreak }, DefensesSetting)).ToList();
    }

    /// <summary>This attempt's generation and every defence's responses so far in this process's shard.</summary>
    internal sealed record Generation(RunOutcome Outcome, int AlreadyDone, IReadOnlyList<DefenseResponses> Responses, IReadOnlyList<string> TornLines)
    {
        public int Recorded => Responses.Sum(r => r.Records.Count);
    }

    /// <summary>
    /// Sends every prompt of the directory's shard not yet recorded under every defence, each sample's record appended
    /// as it completes.
    /// </summary>
    /// <param name="what">What the progress display calls the samples.</param>
    /// <param name="defenses">The defences, each with its responses file.</param>
    /// <param name="prompts">Every prompt with its sample key and record key fields.</param>
    /// <param name="keys">How the benchmark keys its records.</param>
    /// <param name="directory">The open run directory.</param>
    /// <param name="backend">The model under evaluation.</param>
    /// <param name="systemPrompt">System prompt of every conversation; null: none.</param>
    /// <param name="chatOptions">Generation options of every call; null: the backend's.</param>
    /// <param name="runner">Concurrency, rate limit, failure limit and sync policy.</param>
    /// <param name="progress">Receives progress and failures.</param>
    /// <param name="stop">Stops the run: samples in flight are written, no new one starts.</param>
    internal static async Task<Generation> GenerateAsync(string what, IReadOnlyList<ICorrectionStrategy> defenses, IReadOnlyList<DefensePrompt> prompts,
        SampleKeyFormat keys, EvaluationDirectory directory, IChatClient backend, string? systemPrompt, ChatOptions? chatOptions, RunnerOptions runner,
        IRunProgress progress, CancellationToken stop)
    {
        var stores = defenses.ToDictionary(d => d.Name,
            d => RecordStore<ResponseRecord>.Open(directory.RecordPath(ResponsesFileName(d.Name)), ResponsesFile.Parser(keys), runner.RecordSync));
        prompts = directory.Shard.Slice(prompts);
        RunOutcome outcome;
        int alreadyDone;
        var torn = stores.Values.Select(s => s.DiscardedTornLine).OfType<string>().ToList();
        try
        {
            alreadyDone = stores.Values.Sum(s => s.Count);
            var pending = (from defense in defenses from prompt in prompts where !stores[defense.Name].Contains(prompt.Key) select (Defense: defense.Name, Prompt: prompt)).ToList();
            using var limited = runner.RequestsPerMinute is int rpm ? new RateLimitedChatClient(backend, rpm) : null;
            var clients = defenses.ToDictionary(d => d.Name, d => (limited ?? backend).AsBuilder().UseStrategy(d).Build());
            outcome = await EvaluationRunner.RunAsync(what, pending, alreadyDone, s => $"{s.Defense}/{s.Prompt.Key}",
                async (sample, cancellationToken) =>
                {
                    var record = await ResponseRecorder.AskAsync(clients[sample.Defense], sample.Prompt.KeyFields, systemPrompt, sample.Prompt.Prompt,
                        chatOptions, cancellationToken);
                    stores[sample.Defense].Append(sample.Prompt.Key, record.ToJsonLine());
                },
                runner, new FailureLogging(progress, directory), stop);
        }
        finally
        {
            foreach (var store in stores.Values) store.Dispose();
        }
        var responses = defenses.Select(d => new DefenseResponses(d.Name, ResponsesFile.ReadAll(directory.RecordPath(ResponsesFileName(d.Name)), keys))).ToList();
        return new Generation(outcome, alreadyDone, responses, torn);
    }

    /// <summary>Every defence's responses from every shard of the run, merged, with each shard's progress when the run is sharded.</summary>
    /// <param name="directory">The open run directory.</param>
    /// <param name="defenses">The defences, each with its responses files.</param>
    /// <param name="prompts">How many prompts the whole run sends under each defence.</param>
    /// <param name="keys">How the benchmark keys its records.</param>
    internal static (IReadOnlyList<DefenseResponses> Responses, IReadOnlyList<ShardProgress>? Shards) ReadAllShards(EvaluationDirectory directory,
        IReadOnlyList<ICorrectionStrategy> defenses, int prompts, SampleKeyFormat keys)
    {
        var files = defenses.Select(d => (d.Name, Read: directory.ReadAllShards(ResponsesFileName(d.Name), ResponsesFile.Parser(keys), shard => shard.SizeOf(prompts)))).ToList();
        return ([.. files.Select(f => new DefenseResponses(f.Name, f.Read.Lines))], ShardedRecords.Sum(files.Select(f => f.Read.Shards)));
    }

    /// <summary>Saved responses to rescore, the files they came from, and how many the run planned (each shard's progress for a sharded run).</summary>
    internal sealed record Saved(IReadOnlyList<DefenseResponses> Responses, IReadOnlyList<string> TornLines, IReadOnlyList<string> Files, int Expected,
        IReadOnlyList<ShardProgress>? Shards)
    {
        public int Recorded => Responses.Sum(r => r.Records.Count);
    }

    /// <summary>
    /// Saved responses to rescore: one file per defence, named by <see cref="DefenseOf"/>, or one run directory, whose
    /// settings.json names the defences and whose shards' files are merged. A torn last line is left out (and
    /// returned); rescoring never modifies its input.
    /// </summary>
    /// <param name="setting">The request property that names the files, for errors.</param>
    /// <param name="paths">The responses files, one per defence, or one run directory.</param>
    /// <param name="keys">How the benchmark keys its records.</param>
    internal static Saved ReadResponses(IReadOnlyList<string> paths, SampleKeyFormat keys, string setting)
    {
        if (paths.Count == 0) throw new InvalidSettingException(setting, "no file given");
        if (ShardedRecords.RunSettingsOf(paths[0], setting) is { } settings)
        {
            if (paths.Count > 1) throw new InvalidSettingException(setting, $"'{paths[0]}' is a run directory: give it alone, or responses files");
            return ReadRunDirectory(paths[0], settings);
        }
        var responses = new List<DefenseResponses>();
        var torn = new List<string>();
        foreach (string path in paths)
        {
            if (!File.Exists(path)) throw new InvalidSettingException(setting, $"file '{path}' not found");
            var contents = JsonLinesFile.Read(path, ResponsesFile.Parser(keys));
            if (contents.Lines.Count == 0) throw new InvalidDataException($"{path}:1: no records to score");
            string defense = DefenseOf(path);
            if (responses.Any(r => r.Defense == defense)) throw new InvalidSettingException(setting, $"two files for the defence '{defense}'");
            responses.Add(new DefenseResponses(defense, contents.Lines));
            if (contents.TornTail is not null) torn.Add(contents.TornTail);
        }
        int recorded = responses.Sum(r => r.Records.Count);
        return new Saved(responses, torn, paths, recorded, null);

        Saved ReadRunDirectory(string directory, JsonObject settings)
        {
            string settingsPath = Path.Combine(directory, EvaluationDirectory.SettingsFile);
            var defenses = settings["defenses"]?.AsArray().Select(d => (string?)d?["name"] ?? throw new InvalidDataException($"{settingsPath}:1: a defence without a name")).ToList()
                ?? throw new InvalidDataException($"{settingsPath}:1: not a jailbreak or over-refusal run's settings (no defenses)");
            // Prompts per defence: XSTest runs record them; jailbreak runs record each attack's.
            int prompts = settings["prompts"]?.GetValue<int>() ?? settings["attacks"]?.AsArray().Sum(a => a?["prompts"]?.GetValue<int>() ?? 0) ?? 0;
            int count = ShardedRecords.ShardCount(settings);
            var files = defenses.Select(d => (Defense: d, Read: ShardedRecords.Read(directory, ResponsesFileName(d), count, ResponsesFile.Parser(keys), shard => shard.SizeOf(prompts)))).ToList();
            return new Saved([.. files.Select(f => new DefenseResponses(f.Defense, f.Read.Lines))], [],
                [.. defenses.SelectMany(d => ShardedRecords.ExistingFiles(directory, ResponsesFileName(d), count))], defenses.Count * prompts,
                ShardedRecords.Sum(files.Select(f => f.Read.Shards)));
        }
    }
}
