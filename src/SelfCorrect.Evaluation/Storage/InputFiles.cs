using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>The input files of a run or rescoring as its settings record them.</summary>
internal static class InputFiles
{
    /// <summary>Path, size and SHA-256 of each input file, so a report says exactly which data produced it.</summary>
    public static JsonArray Describe(IEnumerable<string> paths) => new([.. paths.Select(path =>
    {
        using var stream = File.OpenRead(path);
        return (JsonNode)new JsonObject
        {
            ["path"] = Path.GetFullPath(path),
            ["bytes"] = stream.Length,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    })]);
}
