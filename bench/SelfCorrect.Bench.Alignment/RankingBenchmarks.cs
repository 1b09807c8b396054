using SelfCorrect.Alignment;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Bench.Alignment;

/// <summary>Issue "Alignment lab, part 1": vectorised objectives and batched baselines against the reference loops.</summary>
public static class RankingBenchmarks
{
    /// <summary>Online PL loss, batch 256, N = 20, d = 5, forward + backward.</summary>
    public static void OnlineLoss()
    {
        double vectorised = OnlineLossSeconds(vectorised: true, 21, 3);
        double loop = OnlineLossSeconds(vectorised: false, 3, 1);
        Measure.Report("Online PL loss, batch 256, N=20, d=5, forward+backward (median)", "vectorised (RankingLoss)", vectorised,
            "loop (reference algorithm)", loop, 50);
    }

    /// <summary>Median seconds of one forward + backward of the online PL loss, vectorised or the reference loop.</summary>
    public static double OnlineLossSeconds(bool vectorised, int repetitions, int warmup)
    {
        using var batch = new ReferenceLinearAlignment(5, 20).Sample(256, Seeds.Generator(0, "bench-online-loss"));
        using var predictions = randn([256, 19, 5], generator: Seeds.Generator(0, "bench-predictions"));
        return Measure.MedianSeconds(() =>
        {
            using var scope = NewDisposeScope();
            var leaf = predictions.detach().requires_grad_(true);
            var loss = vectorised
                ? RankingLoss.OnlinePlackettLuce(leaf, batch.Responses, batch.Rewards, RewardModel.Cosine)
                : LoopPlackettLuce.Online(leaf, batch.Responses, batch.Rewards, RewardModel.Cosine);
            loss.backward();
        }, repetitions, warmup);
    }

    /// <summary>AdamPlackettLuce over 256 contexts × all 19 prefixes against one small Adam problem at a time.</summary>
    public static void AdamBaseline(int loopContexts)
    {
        using var batch = new ReferenceLinearAlignment(5, 20).Sample(256, Seeds.Generator(0, "bench-adam"));
        double batched = AdamSeconds(3, 1);
        using var subset = batch.Slice(0, loopContexts);
        double loopSubset = Measure.MedianSeconds(() => LoopAdam(subset), 1, 0);
        double loopScaled = loopSubset * 256.0 / loopContexts;
        Measure.Report("AdamPlackettLuce, 256 contexts x 19 prefixes, 50 Adam steps (median)", "batched (one [B,K,d,d] problem)", batched,
            "per-context, per-prefix loop", loopScaled, 100, $"measured on {loopContexts} contexts, scaled x{256.0 / loopContexts:0}");
    }

    /// <summary>Median seconds of the batched AdamPlackettLuce over 256 contexts × 19 prefixes, 50 steps.</summary>
    public static double AdamSeconds(int repetitions, int warmup)
    {
        using var batch = new ReferenceLinearAlignment(5, 20).Sample(256, Seeds.Generator(0, "bench-adam"));
        var learner = new AdamPlackettLuce(seed: 0);
        return Measure.MedianSeconds(() => { using var p = learner.Predict(batch); }, repetitions, warmup);
    }

    /// <summary>The reference algorithm: a fresh linear map and Adam optimiser for every context and prefix.</summary>
    private static void LoopAdam(AlignmentBatch batch)
    {
        int d = batch.Dimension;
        using var generator = Seeds.Generator(0, "bench-loop-adam");
        for (int b = 0; b < batch.Size; b++)
        {
            for (int k = 1; k <= batch.PrefixCount; k++)
            {
                using var scope = NewDisposeScope();
                var weights = new TorchSharp.Modules.Parameter((rand([d, d], generator: generator) * 2 - 1) / Math.Sqrt(d));
                var optimizer = optim.Adam([weights], lr: 0.1);
                var x = batch.Query[b];
                var shown = batch.Responses[b].narrow(0, 0, k);
                var rewards = batch.Rewards[b].narrow(0, 0, k);
                for (int step = 0; step < 50; step++)
                {
                    optimizer.zero_grad();
                    var loss = LoopPlackettLuce.Single(RewardModel.Cosine.Score(weights.matmul(x), shown), rewards);
                    loss.backward();
                    optimizer.step();
                }
                optimizer.Dispose();
            }
        }
    }
}
