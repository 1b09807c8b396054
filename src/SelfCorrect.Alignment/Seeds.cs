using static TorchSharp.torch;

namespace SelfCorrect.Alignment;

/// <summary>
/// Every random draw in the lab comes from a generator made here from a user seed and a purpose label, so that
/// independent parts of an experiment (evaluation contexts, held-out contexts, initialisations, reward noise) get
/// independent, reproducible streams from one user-facing seed.
/// </summary>
public static class Seeds
{
    /// <summary>A stable 63-bit seed for <paramref name="purpose"/> under <paramref name="seed"/> (FNV-1a, then SplitMix64).</summary>
    public static long Derive(long seed, string purpose)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in purpose)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        ulong z = hash ^ (ulong)seed;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (long)(z >> 1);
    }

    /// <summary>A torch generator seeded with <see cref="Derive"/>(<paramref name="seed"/>, <paramref name="purpose"/>).</summary>
    public static Generator Generator(long seed, string purpose) => new Generator((ulong)Derive(seed, purpose));
}
