using System.Security.Cryptography;
using System.Text;

namespace SelfCorrect.Server;

/// <summary>
/// Client keys are kept only as SHA-256 hashes (lower-case hex): from a file, one per line (<c>#</c> comments and blank
/// lines skipped), or from an environment variable (separated by commas, spaces or newlines).
/// </summary>
public static class ClientKeys
{
    /// <summary>The hash a key is stored as: <c>printf %s KEY | sha256sum</c>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The hashes of <paramref name="file"/> and of the variable <paramref name="environmentVariable"/>; bad lines name the file and line.</summary>
    public static HashSet<string> Load(string? file, string? environmentVariable)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        if (file is not null)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found");
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                hashes.Add(Checked(line, $"{file}:{i + 1}"));
            }
        }
        if (environmentVariable is not null)
        {
            string value = Environment.GetEnvironmentVariable(environmentVariable)
                           ?? throw new ArgumentException($"environment variable {environmentVariable} (client key hashes) is not set");
            foreach (string hash in value.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
                hashes.Add(Checked(hash, $"environment variable {environmentVariable}"));
        }
        if ((file is not null || environmentVariable is not null) && hashes.Count == 0)
            throw new InvalidDataException($"{file ?? environmentVariable}: no client key hash (every client would be refused)");
        return hashes;
    }

    /// <summary>Whether <paramref name="key"/> hashes to one of <paramref name="hashes"/>; compared in constant time.</summary>
    public static bool Accepts(IReadOnlySet<string> hashes, string key)
    {
        byte[] presented = Encoding.ASCII.GetBytes(Hash(key));
        bool found = false;
        foreach (string hash in hashes)
            found |= CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(hash));
        return found;
    }

    private static string Checked(string hash, string where)
    {
        string lower = hash.ToLowerInvariant();
        if (lower.Length != 64 || !lower.All(Uri.IsHexDigit))
            throw new InvalidDataException($"{where}: expected a SHA-256 hash (64 hex digits), not a key; hash a key with: printf %s KEY | sha256sum");
        return lower;
    }
}
