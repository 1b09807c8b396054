using System.Text.Json.Nodes;

namespace SelfCorrect.Server;

/// <summary>A request the server answers with an OpenAI-style error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public sealed class ApiException(int status, string type, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public static ApiException InvalidRequest(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", message, param, code);

    public JsonObject ToJson() => Body(Message, Type, Param, Code);

    /// <summary>The OpenAI error body.</summary>
    public static JsonObject Body(string message, string type, string? param = null, string? code = null) => new()
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    };
}
