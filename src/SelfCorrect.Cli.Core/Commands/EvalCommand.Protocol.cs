using System.CommandLine;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;

namespace SelfCorrect.Cli.Commands;

public static partial class EvalCommand
{
    /// <summary><c>--protocol</c> (and, where the protocol depends on it, <c>--model-family</c>): the system prompt, token limits and sampling of a run.</summary>
    private sealed class ProtocolSettings(ProtocolBenchmark benchmark)
    {
        public Option<ProtocolKind> Protocol { get; } = new("--protocol")
        {
            Description = benchmark == ProtocolBenchmark.Bbq
                ? "plain: --system, --temperature and --max-tokens as given (default); reference: the CaC reference code's BBQ settings (Vicuna's system prompt, greedy, 10 new tokens for the graded answer, 256 for the CaC initial answer and critiques)."
                : "plain: --system, --temperature and --max-tokens as given (default); reference: the CaC reference code's settings for the model family (its system prompt, 64 new tokens per turn, its default sampling).",
            HelpName = "plain|reference",
            DefaultValueFactory = _ => ProtocolKind.Plain,
        };

        public Option<ModelFamily?> Family { get; } = new("--model-family")
        {
            Description = "--protocol reference: the model's family, which sets the system prompt and sampling (default: from the model's name, vicuna or llama-2).",
            HelpName = "vicuna|llama2|other",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Protocol);
            command.MapSetting(EvaluationProtocol.Setting, Protocol);
            if (benchmark == ProtocolBenchmark.Bbq) return;
            command.Options.Add(Family);
            command.MapSetting(EvaluationProtocol.FamilySetting, Family);
        }

        /// <summary>
        /// The run's protocol. With reference, an option the protocol sets (<paramref name="system"/>, the temperature,
        /// the token limit) given as well is an error, so a run never silently drops what the user asked for.
        /// </summary>
        public EvaluationProtocol Read(ParseResult parse, ModelOptions model, Option<string?> system)
        {
            var kind = parse.GetValue(Protocol);
            if (kind == ProtocolKind.Reference)
            {
                foreach (Option given in new Option[] { system, model.Temperature, model.MaxTokens }.Where(o => parse.GetResult(o) is { Implicit: false }))
                    throw new UsageException($"{given.Name}: --protocol reference sets it (docs/protocols.md §6); drop {given.Name} or use --protocol plain");
            }
            else if (parse.GetResult(Family) is { Implicit: false })
                throw new UsageException("--model-family: only --protocol reference uses it");
            return EvaluationProtocol.Resolve(kind, benchmark, model.ReadSpec(parse), parse.GetValue(Family), parse.GetValue(system),
                model.ReadChatOptions(parse));
        }
    }
}
