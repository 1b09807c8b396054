namespace SelfCorrect.Evaluation.Storage;

/// <summary>How a benchmark keys its samples: the fields a record must carry and the stable key built from them.</summary>
public abstract class SampleKeyFormat
{
    /// <summary>BBQ: (category, example_id); example_id alone repeats across categories.</summary>
    public static readonly SampleKeyFormat Bbq = new BbqKeys();

    /// <summary>AdvBench: (row index, attack); the attack may be omitted when a file holds one attack.</summary>
    public static readonly SampleKeyFormat Jailbreak = new JailbreakKeys();

    /// <summary>XSTest: the CSV's <c>id</c>.</summary>
    public static readonly SampleKeyFormat XsTest = new XsTestKeys();

    /// <summary>The record's key, or null with <paramref name="problem"/> naming the missing field.</summary>
    public abstract string? KeyOf(ResponseRecord record, out string? problem);

    /// <summary>The BBQ key: <c>CATEGORY/EXAMPLE_ID</c>.</summary>
    public static string BbqKey(string category, int exampleId) => $"{category}/{exampleId}";

    /// <summary>The AdvBench key: <c>INDEX/ATTACK</c>, or <c>INDEX</c> without an attack.</summary>
    public static string JailbreakKey(int index, string? attack) => attack is null ? $"{index}" : $"{index}/{attack}";

    private sealed class BbqKeys : SampleKeyFormat
    {
        public override string? KeyOf(ResponseRecord record, out string? problem)
        {
            problem = record.Category is null ? "missing field 'category'" : record.ExampleId is null ? "missing field 'example_id'" : null;
            return problem is null ? BbqKey(record.Category!, record.ExampleId!.Value) : null;
        }
    }

    private sealed class JailbreakKeys : SampleKeyFormat
    {
        public override string? KeyOf(ResponseRecord record, out string? problem)
        {
            problem = record.Index is null ? "missing field 'index'" : record.Index < 0 ? "field 'index' must not be negative" : null;
            return problem is null ? JailbreakKey(record.Index!.Value, record.Attack) : null;
        }
    }

    private sealed class XsTestKeys : SampleKeyFormat
    {
        public override string? KeyOf(ResponseRecord record, out string? problem)
        {
            problem = string.IsNullOrWhiteSpace(record.Id) ? "missing field 'id'" : null;
            return problem is null ? record.Id : null;
        }
    }
}
