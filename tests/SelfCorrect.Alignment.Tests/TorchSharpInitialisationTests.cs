using System.Text;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

/// <summary>Fails if libtorch cannot be loaded from this test project's output (see docs/platform.md).</summary>
public class TorchSharpInitialisationTests
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const ushort WeakFlag = 0x2;   // VER_FLG_WEAK in an Elf64_Vernaux

    private static readonly string[] SystemLibraries =
        ["/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6"];

    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var a = tensor(new[] { 1.0, 2.0, 3.0 });
        using var product = a.dot(a);
        Assert.Equal(14.0, product.item<double>());
    }

    [Fact]
    public void OutputLibraryNeedsNoMissingGlibcxxVersion()
    {
        if (!OperatingSystem.IsLinux()) return;
        string library = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(library), $"{library} is missing");
        var needs = VersionNeeds(File.ReadAllBytes(library));
        Assert.NotEmpty(needs);
        bool systemProvides = SystemLibraries.Any(path => File.Exists(path)
            && File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(MissingVersion)) >= 0);
        // Without GLIBCXX_3.4.32 in the system's libstdc++, the loader accepts the library only if every need of it is weak.
        if (!systemProvides)
            Assert.DoesNotContain(needs, n => n.Name == MissingVersion && (n.Flags & WeakFlag) == 0);
    }

    /// <summary>Every (version name, flags) of the ELF64 file's SHT_GNU_verneed sections.</summary>
    private static List<(string Name, ushort Flags)> VersionNeeds(byte[] elf)
    {
        Assert.True(elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) && elf[4] == 2 && elf[5] == 1, "not a little-endian ELF64 file");
        long sectionTable = BitConverter.ToInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3A), sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        var needs = new List<(string, ushort)>();
        for (int s = 0; s < sectionCount; s++)
        {
            int header = (int)(sectionTable + (long)s * sectionSize);
            if (BitConverter.ToUInt32(elf, header + 4) != 0x6ffffffe) continue;   // SHT_GNU_verneed
            int strings = (int)BitConverter.ToInt64(elf, (int)(sectionTable + BitConverter.ToUInt32(elf, header + 0x28) * (long)sectionSize) + 0x18);
            int need = (int)BitConverter.ToInt64(elf, header + 0x18);
            for (uint n = BitConverter.ToUInt32(elf, header + 0x2C); n > 0; n--)
            {
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = BitConverter.ToUInt16(elf, need + 2); a > 0; a--)
                {
                    int name = strings + (int)BitConverter.ToUInt32(elf, aux + 8);
                    needs.Add((Encoding.ASCII.GetString(elf, name, Array.IndexOf(elf, (byte)0, name) - name), BitConverter.ToUInt16(elf, aux + 4)));
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }
        return needs;
    }
}
