namespace SelfCorrect.Correction;

/// <summary>
/// Streams generated text while watching for stop sequences: text that might be the start of one is held back
/// until it is known not to be, and generation ends where one appears (the sequence itself is not emitted).
/// </summary>
internal sealed class StopSequenceFilter(IReadOnlyList<string> stopSequences)
{
    private readonly string[] _stops = [.. stopSequences.Where(stop => stop.Length > 0)];
    private string _pending = "";

    public bool Stopped { get; private set; }

    /// <summary>Adds text; returns what can be emitted now, and whether a stop sequence was reached.</summary>
    public (string Text, bool Stopped) Push(string text)
    {
        _pending += text;
        int stopAt = -1;
        foreach (string stop in _stops)
        {
            int at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt)) stopAt = at;
        }
        if (stopAt >= 0)
        {
            Stopped = true;
            string before = _pending[..stopAt];
            _pending = "";
            return (before, true);
        }
        int hold = HeldBack();
        string ready = _pending[..^hold];
        _pending = _pending[^hold..];
        return (ready, false);
    }

    /// <summary>The text still held back (at the end of generation it cannot become a stop sequence any more).</summary>
    public string Flush()
    {
        string rest = _pending;
        _pending = "";
        return rest;
    }

    /// <summary>Length of the longest end of the pending text that is a proper start of a stop sequence.</summary>
    private int HeldBack()
    {
        int longest = 0;
        foreach (string stop in _stops)
            for (int length = Math.Min(stop.Length - 1, _pending.Length); length > longest; length--)
                if (_pending.AsSpan(_pending.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
        return longest;
    }
}
