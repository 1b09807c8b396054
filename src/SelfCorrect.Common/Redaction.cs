using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace SelfCorrect.Common;

/// <summary>
/// Removes credentials from text before it is written anywhere (settings.json, failures.log, progress lines, errors):
/// the user info of URLs (<c>user:password@</c>), query parameters that carry secrets (<c>key</c>, <c>token</c>,
/// <c>api_key</c>, ...), bearer tokens and Authorization headers echoed by servers, and every value registered with
/// <see cref="AddSecret"/> (the API key read from the environment). Each is replaced by <see cref="Mask"/>.
/// </summary>
public static partial class Redaction
{
    /// <summary>What every credential is replaced by.</summary>
    public const string Mask = "***";

    /// <summary>Query parameter names whose values are secrets (compared case-insensitively).</summary>
    public static readonly IReadOnlySet<string> SecretParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "key", "api_key", "apikey", "api-key", "token", "access_token", "auth", "secret", "client_secret", "password", "pass", "sig", "signature",
    };

    private static readonly ConcurrentDictionary<string, bool> Secrets = new();

    /// <summary>Registers a secret value (such as the API key) to be masked wherever it appears; null or short values are ignored.</summary>
    public static void AddSecret(string? value)
    {
        // A value of a few characters would mask ordinary words; keys are far longer.
        if (value is { Length: >= 6 }) Secrets.TryAdd(value, true);
    }

    /// <summary>The text with every credential masked.</summary>
    public static string Redact(string text)
    {
        foreach (string secret in Secrets.Keys) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = Url().Replace(text, match => RedactUrl(match.Value));
        text = AuthorizationHeader().Replace(text, match => $"{match.Groups["name"].Value}{match.Groups["gap"].Value}{Mask}");
        return BearerToken().Replace(text, match => $"{match.Groups["scheme"].Value} {Mask}");
    }

    /// <summary>A URL with its user info and secret query parameters masked; other text is returned as it was.</summary>
    public static string RedactUrl(string url)
    {
        string result = UserInfo().Replace(url, match => $"{match.Groups["scheme"].Value}{Mask}@");
        return QueryParameter().Replace(result, match => SecretParameters.Contains(Uri.UnescapeDataString(match.Groups["name"].Value))
            ? $"{match.Groups["lead"].Value}{match.Groups["name"].Value}={Mask}"
            : match.Value);
    }

    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s""'<>]+")]
    private static partial Regex Url();

    [GeneratedRegex(@"^(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@]*@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<lead>[?&;])(?<name>[^=&#;]+)=[^&#;]*")]
    private static partial Regex QueryParameter();

    /// <summary>An Authorization header as text or JSON (<c>Authorization: Basic x</c>, <c>"authorization":"Bearer x"</c>), up to the line or quote end.</summary>
    [GeneratedRegex(@"(?<name>\b(?:proxy-)?authorization\b""?)(?<gap>\s*[:=]\s*""?)[^""\r\n,}]+", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"\b(?<scheme>Bearer)\s+[A-Za-z0-9._~+/=-]{6,}")]
    private static partial Regex BearerToken();
}
