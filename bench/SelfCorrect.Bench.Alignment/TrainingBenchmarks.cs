using System.Diagnostics;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Training;
using static TorchSharp.torch;

namespace SelfCorrect.Bench.Alignment;

/// <summary>Issue "Alignment lab, part 2": training throughput against the machine's own matrix-product speed.</summary>
public static class TrainingBenchmarks
{
    public static void Throughput()
    {
        foreach (var (preset, measuredSteps) in new[] { ("quick", 20), ("paper", 5) })
        {
            var config = PresetLoader.Load(preset);
            var model = config.TransformerConfig();
            double flops = TransformerFlops.TrainingStep(model, config.Training.BatchSize);
            // The reference speed is measured right before and right after the steps, so both see the same machine load.
            double matmulBefore = MatmulGflops(1024, 1024, 1024);
            double seconds = StepSeconds(config, measuredSteps);
            double matmulAfter = MatmulGflops(1024, 1024, 1024);
            double matmul = (matmulBefore + matmulAfter) / 2;
            double achieved = flops / seconds / 1e9;
            double ffnShape = MatmulGflops(config.Training.BatchSize * model.SequenceLength, model.Width, model.ResolvedFeedForwardWidth);
            Console.WriteLine($"{preset}: {model.Layers} layers, width {model.Width}, {model.Heads} heads, batch {config.Training.BatchSize}, {model.SequenceLength} tokens");
            Console.WriteLine($"  {flops / 1e9:0.00} GFLOP per training step, {seconds * 1e3:0.0} ms per step (median of {measuredSteps}), {1 / seconds:0.00} steps/s");
            Console.WriteLine($"  libtorch float32 matrix product 1024x1024x1024: {matmulBefore:0.0} GFLOP/s before, {matmulAfter:0.0} after");
            Console.WriteLine($"  achieved {achieved:0.0} GFLOP/s = {achieved / matmul:0.00} of the 1024^3 matrix product (goal >= 0.5); its FFN matmul shape runs at {ffnShape:0.0} GFLOP/s");
            Console.WriteLine($"  peak working set so far: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):0} MiB");
            Console.WriteLine($"  full run of {config.Training.Steps} steps: about {seconds * config.Training.Steps / 60:0.0} min");
        }
        Console.WriteLine();
    }

    /// <summary>Median seconds of one training step of <paramref name="config"/>, over <paramref name="steps"/> steps.</summary>
    public static double StepSeconds(ExperimentConfig config, int steps)
    {
        string directory = Path.Combine(Path.GetTempPath(), "selfcorrect-bench", Guid.NewGuid().ToString("N"));
        var trainer = new Trainer(config, directory);
        using var model = Trainer.CreateModel(config);
        using var optimizer = optim.Adam(model.parameters(), lr: config.Training.LearningRate);
        int step = 0;
        // Two warm-up steps: the first ones also pay for libtorch's allocator growing its caches.
        return Measure.MedianSeconds(() => trainer.TrainStep(model, optimizer, ++step), steps, warmup: 2);
    }

    private static double MatmulGflops(long m, long k, long n)
    {
        using var a = randn(m, k);
        using var b = randn(k, n);
        double seconds = Measure.MedianSeconds(() => { using var c = a.mm(b); }, 9, 2);
        return 2.0 * m * k * n / seconds / 1e9;
    }
}
