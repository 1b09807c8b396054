using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tasks;

/// <summary>
/// A batch of in-context alignment contexts. Each context has one query <c>x</c> shared by all its responses,
/// responses <c>y_1..y_N</c>, rewards <c>r_1..r_N</c> (the critic's scores, possibly corrupted), and the hidden
/// target <c>y*</c>, which only evaluation may read.
/// </summary>
/// <param name="Query">x, shape [B, d].</param>
/// <param name="Responses">y_1..y_N, shape [B, N, d].</param>
/// <param name="Rewards">r_1..r_N as shown to the learner, shape [B, N].</param>
/// <param name="Target">y*, shape [B, d].</param>
public sealed record AlignmentBatch(Tensor Query, Tensor Responses, Tensor Rewards, Tensor Target) : IDisposable
{
    /// <summary>Contexts in the batch (B).</summary>
    public int Size => (int)Responses.shape[0];
    /// <summary>Responses per context (N).</summary>
    public int ResponseCount => (int)Responses.shape[1];
    /// <summary>Dimension of queries and responses (d).</summary>
    public int Dimension => (int)Responses.shape[2];

    /// <summary>Number of prefixes a learner predicts after: k = 1..N-1.</summary>
    public int PrefixCount => ResponseCount - 1;

    /// <summary>The same contexts with other shown rewards (responses and target untouched).</summary>
    public AlignmentBatch WithRewards(Tensor rewards) => this with { Rewards = rewards };

    /// <summary>Contexts [start, start + count) of this batch (views, no copy).</summary>
    public AlignmentBatch Slice(int start, int count) => new(
        Query.narrow(0, start, count), Responses.narrow(0, start, count),
        Rewards.narrow(0, start, count), Target.narrow(0, start, count));

    /// <summary>
    /// The batch on <paramref name="device"/>: this one when it is there already, else a copy, and this one is
    /// disposed. Tasks draw on the CPU (seeded generators) and experiments move the draws once, not per use.
    /// </summary>
    public AlignmentBatch MoveTo(Device device)
    {
        if (Query.device_type == device.type && Query.device_index == device.index) return this;
        var moved = new AlignmentBatch(Query.to(device), Responses.to(device), Rewards.to(device), Target.to(device));
        Dispose();
        return moved;
    }

    /// <summary>Disposes the four tensors.</summary>
    public void Dispose()
    {
        Query.Dispose();
        Responses.Dispose();
        Rewards.Dispose();
        Target.Dispose();
    }

    /// <summary>Moves every tensor out of the current dispose scope so the batch outlives it.</summary>
    public AlignmentBatch MoveToOuterDisposeScope() => new(
        Query.MoveToOuterDisposeScope(), Responses.MoveToOuterDisposeScope(),
        Rewards.MoveToOuterDisposeScope(), Target.MoveToOuterDisposeScope());
}
