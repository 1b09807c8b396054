namespace SelfCorrect.Correction.Tests;

public sealed class BackendOptionsTests
{
    public static TheoryData<BackendOptions, string, string> Invalid => new()
    {
        { new BackendOptions { ContextSize = 8 }, nameof(BackendOptions.ContextSize), "must be ≥ 16 (got 8)" },
        { new BackendOptions { Threads = 0 }, nameof(BackendOptions.Threads), "must be ≥ 1 (got 0)" },
        { new BackendOptions { GpuLayers = -1 }, nameof(BackendOptions.GpuLayers), "must be ≥ 0 (got -1)" },
        { new BackendOptions { DefaultMaxOutputTokens = 0 }, nameof(BackendOptions.DefaultMaxOutputTokens), "must be ≥ 1 (got 0)" },
        { new BackendOptions { RequestTimeout = TimeSpan.Zero }, nameof(BackendOptions.RequestTimeout), "must be > 0 (got 0 s)" },
        { new BackendOptions { MaxRetries = -1 }, nameof(BackendOptions.MaxRetries), "must be ≥ 0 (got -1)" },
        { new BackendOptions { ApiKeyEnvironmentVariable = " " }, nameof(BackendOptions.ApiKeyEnvironmentVariable), "must not be empty" },
        { new BackendOptions { Endpoint = new Uri("ftp://host/v1") }, nameof(BackendOptions.Endpoint), "'ftp://host/v1' is not an absolute http(s) URL" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidSetting_ThrowsNamingTheProperty(BackendOptions options, string setting, string problem)
    {
        SettingErrors.AssertThrows(options.Validate, setting, problem);
    }

    [Theory]
    [InlineData("localhost:8000/v1")]
    [InlineData("/v1")]
    [InlineData("file:///tmp/x")]
    public void ParseEndpoint_AnythingButAnAbsoluteHttpUrl_IsInvalidEndpoint(string url)
    {
        SettingErrors.AssertThrows(() => BackendOptions.ParseEndpoint(url), nameof(BackendOptions.Endpoint), $"'{url}' is not an absolute http(s) URL");
    }

    [Fact]
    public void ParseEndpoint_HttpUrlOrNothing_IsAccepted()
    {
        Assert.Equal(new Uri("https://example.org/v1"), BackendOptions.ParseEndpoint("https://example.org/v1"));
        Assert.Null(BackendOptions.ParseEndpoint(null));
    }
}
