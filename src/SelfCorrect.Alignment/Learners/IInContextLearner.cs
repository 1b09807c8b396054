using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>
/// Anything that improves a response from in-context triplets: a trained transformer, or a reference algorithm.
/// One signature for all, so the evaluator treats them alike.
/// </summary>
public interface IInContextLearner
{
    /// <summary>The name shown in tables, plots and result files.</summary>
    string Name { get; }

    /// <summary>
    /// Predictions for every prefix of every context, shape [B, N-1, d]. Index k-1 holds the prediction "after k":
    /// it has seen exactly triplets 1..k (query, response, reward) and nothing of triplets k+1..N or of the target.
    /// </summary>
    Tensor Predict(AlignmentBatch batch);
}
