using SelfCorrect.Correction;

namespace SelfCorrect.Server;

/// <summary>One entry of the config file's <c>models</c> list: a name clients ask for, its upstream, and its correction.</summary>
public sealed class ModelAliasSettings
{
    /// <summary>The name clients send as <c>model</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The upstream model spec (<c>gguf:PATH</c>, <c>openai:MODEL</c>, <c>ollama:MODEL</c>).</summary>
    public string Model { get; set; } = "";

    /// <summary>The upstream's base URL (default: the server's <c>--endpoint</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Environment variable holding the upstream's key (default: the server's <c>--api-key-env</c>).</summary>
    public string? ApiKeyEnv { get; set; }

    public string Strategy { get; set; } = "cac";

    public int Rounds { get; set; } = 1;

    /// <summary>rank: answers sampled and scored.</summary>
    public int Candidates { get; set; } = 3;

    public CorrectionProtocol Protocol { get; set; } = CorrectionProtocol.Jailbreak;

    /// <summary>Replaces the protocol's check prompt.</summary>
    public string? CheckPrompt { get; set; }

    /// <summary>icd / backup: demonstrations to prepend.</summary>
    public int Demonstrations { get; set; } = 1;

    /// <summary>A prompt-presets file (YAML or JSON), relative to the config file.</summary>
    public string? Presets { get; set; }
}
