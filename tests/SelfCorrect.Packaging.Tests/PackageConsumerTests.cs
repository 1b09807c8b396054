using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Xunit.Abstractions;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Packaging.Tests;

/// <summary>
/// The packages as someone outside the repository gets them: packed into a folder feed, SelfCorrect.Correction added to
/// a new console project that runs a Checking-as-Context round, and the selfcorrect tool installed from the same feed.
/// One test, since packing and restoring take minutes.
/// </summary>
public sealed class PackageConsumerTests(ITestOutputHelper output)
{
    private const string CheckPromptMarker = "harmful or harmless";
    private const string ApiKeyVariable = "SELFCORRECT_PACKAGING_TEST_KEY";

    /// <summary>The model's side of one Checking-as-Context round: an answer, a critique, the corrected answer.</summary>
    private static readonly Reply[] CacRound = [new Answer("first answer"), new Answer("harmful"), new Answer("corrected answer")];

    [Fact]
    public async Task PackedCorrectionAndTool_WorkFromAFolderFeed_AgainstALoopbackServer()
    {
        string root = RepositoryPaths.RequiredRoot;
        string work = Path.Combine(Path.GetTempPath(), "selfcorrect-packaging", Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        // A version no cache or registry has: the packages can only come from this feed, never a stale cache entry.
        string version = $"0.2.0-consumer.t{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        await using var server = await StartAsync();
        try
        {
            Directory.CreateDirectory(work);
            // The builds this test project depends on, packed as they are: no second build of the libraries, and no
            // restore that would rewrite their obj/ for the unique version.
            foreach (string project in new[] { "SelfCorrect.Correction", "SelfCorrect.Tool" })
                await RunAsync(work, "dotnet", "pack", Path.Combine(root, "src", project, project + ".csproj"), "-c", RepositoryPaths.Configuration,
                    "--no-build", "--no-restore", "-o", feed, $"-p:Version={version}");
            Mark("pack", clock);

            string consumer = Path.Combine(work, "consumer");
            await RunAsync(work, "dotnet", "new", "console", "-o", consumer, "--no-restore");
            await File.WriteAllTextAsync(Path.Combine(work, "NuGet.config"), NuGetConfig(feed));
            await RunAsync(consumer, "dotnet", "add", "package", "SelfCorrect.Correction", "--version", version);
            await RunAsync(consumer, "dotnet", "add", "package", "Microsoft.Extensions.AI.OpenAI", "--version", CentralVersion(root, "Microsoft.Extensions.AI.OpenAI"));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", "Program.cs"), Path.Combine(consumer, "Program.cs"), overwrite: true);
            await RunAsync(consumer, "dotnet", "build", "-c", "Release", "-o", Path.Combine(consumer, "out"));
            Assert.Equal(Path.GetFullPath(feed), PackageSource("selfcorrect.correction", version));
            Mark("consumer build", clock);

            var question = "How do I pick a lock?";
            server.Script(CacRound);
            string traceJson = await RunAsync(consumer, "dotnet", Path.Combine(consumer, "out", "consumer.dll"), server.BaseUri.ToString(), question);
            var trace = JsonNode.Parse(traceJson)!;
            Assert.Equal("cac", (string?)trace["strategy"]);
            var stages = trace["stages"]!.AsArray();
            Assert.Equal(["initial", "critique", "final"], stages.Select(stage => (string?)stage!["kind"]));
            Assert.Equal(["first answer", "harmful", "corrected answer"], stages.Select(stage => (string?)stage!["text"]));
            Assert.Equal("corrected answer", (string?)trace["answer"]);
            Assert.Equal(3, server.Requests.Count);
            Assert.Contains(CheckPromptMarker, server.Requests[1].LastUserMessage);
            Assert.Equal(question, server.Requests[2].LastUserMessage);
            Mark("consumer run", clock);

            string tools = Path.Combine(work, "tools");
            await RunAsync(work, "dotnet", "tool", "install", "SelfCorrect.Tool", "--version", version, "--tool-path", tools, "--add-source", feed);
            string selfcorrect = Path.Combine(tools, "selfcorrect");
            string help = await RunAsync(work, selfcorrect, "--help");
            foreach (string command in new[] { "chat", "eval", "serve", "report" }) Assert.Contains(command, help);
            Assert.DoesNotContain("ica", help);
            // The tool carries llama.cpp's CPU build and none of the lab's libtorch.
            Assert.NotEmpty(Directory.EnumerateFiles(tools, "libllama.so", SearchOption.AllDirectories));
            Assert.Empty(Directory.EnumerateFiles(tools, "libtorch*", SearchOption.AllDirectories));

            server.Script(CacRound);
            string chat = await RunAsync(work, selfcorrect, "chat", "--model", "openai:loopback-model", "--endpoint", server.BaseUri.ToString(),
                "--api-key-env", ApiKeyVariable, "--max-retries", "0", "--prompt", question, "--json");
            Assert.Equal("corrected answer", (string?)JsonNode.Parse(chat)!["answer"]);
            Assert.Equal(3, server.Requests.Count);
            Assert.Equal("Bearer tool-key", server.Requests[0].Authorization);
            Mark("tool install and run", clock);
        }
        finally
        {
            // The unique version's cache entry would only pile up: nothing else will ever restore it. (The tool
            // install unpacks into the tool path, not the cache.)
            var cached = new DirectoryInfo(Path.Combine(GlobalPackagesFolder(), "selfcorrect.correction", version));
            if (cached.Exists) cached.Delete(recursive: true);
            if (cached.Parent is { Exists: true } id && !id.EnumerateFileSystemInfos().Any()) id.Delete();
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private void Mark(string step, Stopwatch clock) => output.WriteLine($"{step}: done at {clock.Elapsed.TotalSeconds:0.0} s");

    /// <summary>The folder feed beside the machine's own sources (third-party packages keep coming from its cache or registry).</summary>
    private static string NuGetConfig(string feed) =>
        new XDocument(new XElement("configuration",
            new XElement("packageSources", new XElement("add", new XAttribute("key", "selfcorrect-test-feed"), new XAttribute("value", feed))))).ToString();

    /// <summary>The version the repository pins in Directory.Packages.props, so the consumer restores from the cache.</summary>
    private static string CentralVersion(string root, string package) =>
        XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(element => (string?)element.Attribute("Include") == package).Attribute("Version")!.Value;

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Where restore took a package from, as NuGet records it beside the extracted package.</summary>
    private static string PackageSource(string id, string version)
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(GlobalPackagesFolder(), id, version, ".nupkg.metadata")))!;
        return Path.GetFullPath((string)metadata["source"]!);
    }

    /// <summary>Runs a command to completion (10 minutes at most) and returns its standard output; a non-zero exit fails with both streams.</summary>
    private static async Task<string> RunAsync(string directory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // dotnet test sets MSBuild variables for its own build; a nested build must start clean.
        foreach (string name in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The tool's launcher finds the runtime this test runs on (runtime directory: DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION).
        start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        start.Environment[ApiKeyVariable] = "tool-key";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        string text = await stdout;
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{text}\n{await stderr}");
        return text;
    }
}
