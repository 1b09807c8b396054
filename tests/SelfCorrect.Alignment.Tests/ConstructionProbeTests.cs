using SelfCorrect.Alignment.Construction;
using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Objectives;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class ConstructionProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        double[] gaps = [2, 5, 10, 15, 20, 30];
        foreach (var s in new[] {
            new ConstructionSettings { ResponseCount = 3, Steps = 1, Contexts = 64, Causal = true, BetaGaps = [20, 40, 60] },
            new ConstructionSettings { ResponseCount = 3, Steps = 2, Contexts = 64, Causal = true, BetaGaps = [20, 40, 60] },
        })
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var r = ConstructionExperiment.Run(s);
            output.WriteLine(ConstructionExperiment.FormatTable(r) + $"  {sw.ElapsedMilliseconds} ms");
        }
    }
}
