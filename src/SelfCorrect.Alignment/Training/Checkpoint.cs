using SelfCorrect.Alignment.Models;
using SelfCorrect.Common;
using TorchSharp.Modules;

namespace SelfCorrect.Alignment.Training;

/// <summary>
/// One training checkpoint in one file: format tag, the step, a fingerprint of the settings that shape the weights
/// and the data stream, the model's parameters and the Adam state. The data stream is a pure function of
/// (seed, step) (see <see cref="Trainer"/>), so the step is the complete random state. Written atomically
/// (<see cref="AtomicFile"/>), so a crash during saving leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "checkpoint.bin";
    private const string FormatTag = "SelfCorrect.Checkpoint/1";

    public static void Save(string path, InContextTransformer model, OptimizerHelper optimizer, int step, string fingerprint) =>
        AtomicFile.Write(path, temporary =>
        {
            using var stream = File.Create(temporary);
            using var writer = new BinaryWriter(stream);
            writer.Write(FormatTag);
            writer.Write(step);
            writer.Write(fingerprint);
            model.save(writer);
            optimizer.save_state_dict(writer);
            writer.Flush();
        });

    /// <summary>Loads weights (and, when given, the optimiser state) in place; returns the step.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is truncated, or was written for other settings.</exception>
    public static int Load(string path, InContextTransformer model, OptimizerHelper? optimizer, string? expectedFingerprint) =>
        Read(path, expectedFingerprint, (reader, step) =>
        {
            model.load(reader, strict: true);
            optimizer?.load_state_dict(reader);
            return step;
        });

    /// <summary>The step a checkpoint was saved at, read from its header alone (no weights are loaded).</summary>
    public static int ReadStep(string path, string expectedFingerprint) => Read(path, expectedFingerprint, (_, step) => step);

    private static int Read(string path, string? expectedFingerprint, Func<BinaryReader, int, int> readBody)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' not found");
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != FormatTag) throw new InvalidDataException($"{path}: not a SelfCorrect checkpoint");
            int step = reader.ReadInt32();
            string fingerprint = reader.ReadString();
            if (expectedFingerprint is not null && fingerprint != expectedFingerprint)
                throw new InvalidDataException($"{path}: checkpoint was written for other model or training settings");
            return readBody(reader, step);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: unreadable or mismatched checkpoint ({e.Message})");
        }
    }
}
