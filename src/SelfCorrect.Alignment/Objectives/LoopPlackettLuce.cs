using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Objectives;

/// <summary>
/// The online PL loss computed the way the reference implementation does it: a loop over contexts and prefix
/// lengths, one small PL loss at a time (sort, exp, reversed cumulative sum, -log of the ratio). Kept as the
/// ground truth for tests and as the baseline of the benchmark; use <see cref="RankingLoss"/> everywhere else.
/// </summary>
public static class LoopPlackettLuce
{
    /// <summary>PL loss of one ranking: scores [M] against rewards [M] (stable descending sort, as the vectorised version).</summary>
    public static Tensor Single(Tensor scores, Tensor rewards, double temperature = 1.0)
    {
        var order = rewards.sort(0, descending: true, stable: true).Indices;
        var exps = (scores[order] / temperature).exp();
        var tailSums = exps.flip(0).cumsum(0).flip(0);
        return (-(exps / tailSums).log()).sum();
    }

    /// <summary>Same contract as <see cref="RankingLoss.OnlinePlackettLuce"/>.</summary>
    public static Tensor Online(Tensor predictions, Tensor responses, Tensor rewards, RewardModel reward,
        double temperature = 1.0, int minimumPrefix = 2)
    {
        long contexts = responses.shape[0];
        int n = (int)responses.shape[1];
        Tensor total = zeros([], predictions.dtype, predictions.device);
        long counted = 0;
        for (long b = 0; b < contexts; b++)
        {
            Tensor contextLoss = zeros([], predictions.dtype, predictions.device);
            int prefixes = 0;
            for (int length = minimumPrefix; length < n; length++)
            {
                var prediction = predictions[b, length - 1];
                var shown = responses[b].narrow(0, 0, length);
                var scores = reward.Score(prediction, shown);
                contextLoss = contextLoss + Single(scores, rewards[b].narrow(0, 0, length), temperature);
                prefixes++;
            }
            if (prefixes > 0)
            {
                total = total + contextLoss / prefixes;
                counted++;
            }
        }
        return counted > 0 ? total / counted : total;
    }
}
