namespace SelfCorrect.Testing;

/// <summary>The tiny random-weight GGUF model shared by the project (../shared/models relative to the repository root).</summary>
public static class TestModels
{
    public static string TinyGgufPath { get; } = RepositoryPaths.Root is { } root
        ? Path.GetFullPath(Path.Combine(root, "..", "shared", "models", "llama-2-tiny-random.gguf"))
        : "llama-2-tiny-random.gguf (repository root with SelfCorrect.slnx not found)";

    public static bool TinyGgufPresent => File.Exists(TinyGgufPath);
}
