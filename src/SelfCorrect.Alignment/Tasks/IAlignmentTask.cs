using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tasks;

/// <summary>A distribution over in-context alignment contexts. Every draw comes from the generator passed in.</summary>
public interface IAlignmentTask
{
    /// <summary>The name used on the command line and in result files.</summary>
    string Name { get; }

    /// <summary>d: dimension of queries and responses.</summary>
    int Dimension { get; }

    /// <summary>N: responses per context.</summary>
    int ResponseCount { get; }

    /// <summary>Draws <paramref name="batchSize"/> contexts, every draw from <paramref name="generator"/>, in <paramref name="dtype"/> (the caller disposes the batch).</summary>
    AlignmentBatch Sample(int batchSize, Generator generator, ScalarType dtype = ScalarType.Float32);
}
