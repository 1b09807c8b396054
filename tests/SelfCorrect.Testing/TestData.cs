namespace SelfCorrect.Testing;

/// <summary>Public data shipped with the tests (tests/SelfCorrect.Testing/Data), each with its licence beside it.</summary>
public static class TestData
{
    /// <summary>
    /// The 450 XSTest prompts (Röttger et al., NAACL 2024; github.com/paul-rottger/exaggerated-safety, commit 475f10b),
    /// unchanged, under CC-BY-4.0 (LICENSE beside it).
    /// </summary>
    public static string XsTestPrompts => Path.Combine(RepositoryPaths.Root ?? throw new InvalidOperationException("repository root (SelfCorrect.slnx) not found"),
        "tests", "SelfCorrect.Testing", "Data", "xstest", "xstest_prompts.csv");
}
