using System.Text.Json;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Training;

namespace SelfCorrect.Alignment.Tests;

public class NoiseStudyTests
{
    [Theory]
    [InlineData(0.0, 50)]
    [InlineData(0.25, 43)]
    [InlineData(0.5, 37)]
    [InlineData(0.75, 31)]
    [InlineData(1.0, 25)]
    public void ReferenceBudgetShrinksWithTheNoise(double p, int steps) => Assert.Equal(steps, AdamPlackettLuce.ReferenceNoiseSteps(p));

    [Fact]
    public void NoiseStudyRunsEveryLearnerAtEveryLevelWithItsBudget()
    {
        var config = new ExperimentConfig
        {
            Task = new TaskSettings { Name = "reference", D = 3, N = 6 },
            Model = new ModelSettings { Layers = 1, Heads = 1, Width = 8 },
            Evaluation = new EvaluationSettings { Contexts = 32, HeldOutContexts = 16, GdSteps = 3, Bootstrap = 20, NoiseLevels = [0, 1] },
        };
        string run = Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));
        using var model = Trainer.CreateModel(config);
        var points = TrainedModelEvaluation.NoiseStudy(config, model, run);

        foreach (var (learner, _, _) in TrainedModelEvaluation.NoiseLearners)
            foreach (string p in new[] { "p=0", "p=1" })
            {
                Assert.Contains(points, point => point.Learner == $"{learner} {p}");
                Assert.True(File.Exists(Path.Combine(run, TrainedModelEvaluation.NoiseDirectory, $"{learner.ToLowerInvariant()}_one_minus_cosine.png")), learner);
            }
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, TrainedModelEvaluation.NoiseDirectory, "summary.json")));
        var steps = summary.RootElement.GetProperty("settings").GetProperty("adam_steps");
        Assert.Equal(50, steps.GetProperty("p=0").GetProperty("AdamPL-ref").GetInt32());
        Assert.Equal(25, steps.GetProperty("p=1").GetProperty("AdamPL-ref").GetInt32());
        Assert.Equal(50, steps.GetProperty("p=1").GetProperty("AdamPL-fixed").GetInt32());
        // At p = 0 both budgets are 50 steps from the same start: the same predictions.
        double Error(string learner) => points.Single(p => p.Learner == learner && p.Metric == "one_minus_cosine" && p.K == 5).Mean;
        Assert.Equal(Error("AdamPL-ref p=0"), Error("AdamPL-fixed p=0"));
        Assert.NotEqual(Error("AdamPL-ref p=1"), Error("AdamPL-fixed p=1"));
    }
}
