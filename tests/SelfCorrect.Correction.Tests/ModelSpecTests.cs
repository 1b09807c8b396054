namespace SelfCorrect.Correction.Tests;

public sealed class ModelSpecTests
{
    [Theory]
    [InlineData("gguf:models/a b.gguf", BackendKind.Gguf, "models/a b.gguf")]
    [InlineData("openai:gpt-4o-mini", BackendKind.OpenAI, "gpt-4o-mini")]
    [InlineData("OLLAMA:llama3.2:1b", BackendKind.Ollama, "llama3.2:1b")]
    public void Parse_ReadsKindAndTarget(string text, BackendKind kind, string target)
    {
        Assert.Equal(new ModelSpec(kind, target), ModelSpec.Parse(text));
    }

    [Theory]
    [InlineData("llama.gguf")]
    [InlineData("gguf:")]
    [InlineData("hf:some/model")]
    public void Parse_RejectsOtherForms_NamingTheSetting(string text)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ModelSpec.Parse(text));
        Assert.Equal(nameof(ModelSpec), error.ParamName);
        Assert.StartsWith($"'{text}' ", error.Message);
    }

    [Fact]
    public void Create_MissingModelFile_IsBackendErrorAtLoading()
    {
        var error = Assert.Throws<ChatBackendException>(() => ChatBackends.Create(ModelSpec.Parse("gguf:/nonexistent/x.gguf"), new BackendOptions()));
        Assert.Equal("loading", error.Stage);
        Assert.Contains("gguf:/nonexistent/x.gguf", error.Message);
    }

    [Fact]
    public void Create_OpenAIWithoutEndpoint_IsInvalidSettingNamingTheEndpoint()
    {
        SettingErrors.AssertThrows(() => ChatBackends.Create(ModelSpec.Parse("openai:m"), new BackendOptions()), nameof(BackendOptions.Endpoint),
            "is required for openai: models (the server's base URL with /v1)");
    }
}
