using System.Security.Cryptography;
using SelfCorrect.Alignment.Models;
using SelfCorrect.Common;
using TorchSharp.Modules;

namespace SelfCorrect.Alignment.Training;

/// <summary>
/// One training checkpoint in one file: a header (format tag, payload length, SHA-256 of the payload), then the
/// payload: the step, a fingerprint of the settings that shape the weights and the data stream, the model's parameters
/// and the Adam state. The data stream is a pure function of (seed, step) (see <see cref="Trainer"/>), so the step is
/// the complete random state. Written atomically (<see cref="AtomicFile"/>), so a crash during saving leaves the
/// previous checkpoint intact; the length and checksum catch a file cut short or altered afterwards, before any weight
/// is loaded.
/// </summary>
public static class Checkpoint
{
    /// <summary>The checkpoint's file name in a run directory.</summary>
    public const string FileName = "checkpoint.bin";
    private const string FormatTag = "SelfCorrect.Checkpoint/2";
    /// <summary>The format before the header carried a length and checksum; such files are refused (docs/lab.md).</summary>
    private const string UncheckedFormatTag = "SelfCorrect.Checkpoint/1";

    /// <summary>Writes the weights, the optimiser state and the step atomically, under a header with the settings' fingerprint, length and checksum.</summary>
    /// <param name="path">The checkpoint file (replaced atomically).</param>
    /// <param name="model">The model whose weights are saved.</param>
    /// <param name="optimizer">The optimiser whose state is saved.</param>
    /// <param name="step">The last completed step.</param>
    /// <param name="fingerprint">The settings' fingerprint (<see cref="Trainer.Fingerprint"/>); loading checks it.</param>
    public static void Save(string path, InContextTransformer model, OptimizerHelper optimizer, int step, string fingerprint)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(step);
            writer.Write(fingerprint);
            model.save(writer);
            optimizer.save_state_dict(writer);
        }
        byte[] checksum = SHA256.HashData(payload.GetBuffer().AsSpan(0, (int)payload.Length));
        AtomicFile.Write(path, temporary =>
        {
            using var stream = File.Create(temporary);
            using var writer = new BinaryWriter(stream);
            writer.Write(FormatTag);
            writer.Write(payload.Length);
            writer.Write(checksum);
            writer.Write(payload.GetBuffer(), 0, (int)payload.Length);
        });
    }

    /// <summary>Loads weights (and, when given, the optimiser state) in place; returns the step.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is truncated or corrupted, or was written for other settings.</exception>
    public static int Load(string path, InContextTransformer model, OptimizerHelper? optimizer, string? expectedFingerprint) =>
        Read(path, expectedFingerprint, (reader, step) =>
        {
            model.load(reader, strict: true);
            optimizer?.load_state_dict(reader);
            return step;
        });

    /// <summary>The step a checkpoint was saved at (the whole file is verified; no weights are loaded).</summary>
    public static int ReadStep(string path, string expectedFingerprint) => Read(path, expectedFingerprint, (_, step) => step);

    private static int Read(string path, string? expectedFingerprint, Func<BinaryReader, int, int> readBody)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' not found");
        try
        {
            using var payload = new MemoryStream(VerifiedPayload(path), writable: false);
            using var reader = new BinaryReader(payload);
            int step = reader.ReadInt32();
            string fingerprint = reader.ReadString();
            if (expectedFingerprint is not null && fingerprint != expectedFingerprint)
                throw new InvalidDataException($"{path}: checkpoint was written for other model or training settings");
            return readBody(reader, step);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: unreadable or mismatched checkpoint ({e.Message})");
        }
    }

    /// <summary>The payload, after checking the tag, the length and the checksum of the header.</summary>
    private static byte[] VerifiedPayload(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string tag;
        long length;
        byte[] expected;
        try
        {
            tag = reader.ReadString();
            if (tag == UncheckedFormatTag)
                throw new InvalidDataException($"{path}: checkpoint of format 1 has no checksum and is not loaded; retrain the run (docs/lab.md, checkpoint format)");
            if (tag != FormatTag) throw new InvalidDataException($"{path}: not a SelfCorrect checkpoint");
            length = reader.ReadInt64();
            expected = reader.ReadBytes(SHA256.HashSizeInBytes);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a SelfCorrect checkpoint (header unreadable)");
        }
        long available = stream.Length - stream.Position;
        if (length < 0 || expected.Length != SHA256.HashSizeInBytes || available < length)
            throw new InvalidDataException($"{path}: checkpoint is truncated ({available} of {length} payload bytes)");
        if (available > length)
            throw new InvalidDataException($"{path}: checkpoint has {available - length} bytes after its payload");
        byte[] payload = reader.ReadBytes((int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(expected))
            throw new InvalidDataException($"{path}: checkpoint is corrupted (SHA-256 of the payload does not match its header)");
        return payload;
    }
}
