using SelfCorrect.Common;

namespace SelfCorrect.Common.Tests;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("http://alice:s3cret@host:8080/v1", "http://***@host:8080/v1")]
    [InlineData("https://host/v1?api_key=abc123&model=x", "https://host/v1?api_key=***&model=x")]
    [InlineData("https://host/v1?key=abc&token=def&APIKEY=ghi&access_token=j&secret=k&password=l",
        "https://host/v1?key=***&token=***&APIKEY=***&access_token=***&secret=***&password=***")]
    [InlineData("http://localhost:11434", "http://localhost:11434")]
    [InlineData("https://host/v1?model=key", "https://host/v1?model=key")]
    public void UrlsLoseUserInfoAndSecretParameters(string url, string expected) => Assert.Equal(expected, Redaction.RedactUrl(url));

    [Fact]
    public void TextLosesUrlsCredentialsHeadersAndRegisteredSecrets()
    {
        Redaction.AddSecret("sk-registered-0123456789");
        string text = "POST http://bob:pw@h/v1/chat?apikey=zz failed: 401 {\"error\":\"bad key sk-registered-0123456789\","
            + "\"headers\":{\"Authorization\":\"Bearer sk-echoed-abcdef\"}}\nAuthorization: Basic Ym9iOnB3\nsent Bearer tok-abcdefgh";
        string redacted = Redaction.Redact(text);
        foreach (string secret in new[] { "bob:pw", "zz", "sk-registered-0123456789", "sk-echoed-abcdef", "Ym9iOnB3", "tok-abcdefgh" })
            Assert.DoesNotContain(secret, redacted);
        Assert.Equal("POST http://***@h/v1/chat?apikey=*** failed: 401 {\"error\":\"bad key ***\","
            + "\"headers\":{\"Authorization\":\"***\"}}\nAuthorization: ***\nsent Bearer ***", redacted);
    }

    [Fact]
    public void OrdinaryTextIsUnchanged()
    {
        const string text = "Basic information on authorization failures: see https://example.org/docs?page=2 (key points, Bearer of news)";
        Assert.Equal(text, Redaction.Redact(text));
        Assert.Equal("responses.jsonl:3: malformed record", Redaction.Redact("responses.jsonl:3: malformed record"));
    }
}
