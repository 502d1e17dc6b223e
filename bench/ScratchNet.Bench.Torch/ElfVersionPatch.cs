using System.Buffers.Binary;
using System.Text;

namespace ScratchNet.Bench.Torch;

/// <summary>
/// Makes TorchSharp 0.107.0's native binding load on a libstdc++ older than GCC 13 (Debian 12 ships
/// GCC 12's libstdc++, whose newest symbol version is GLIBCXX_3.4.30).
/// </summary>
/// <remarks>
/// <para>
/// <c>libLibTorchSharp.so</c> was linked against GCC 13's libstdc++, so its version-needs table
/// (ELF section <c>.gnu.version_r</c>) lists <c>GLIBCXX_3.4.32</c> under <c>libstdc++.so.6</c>. The
/// dynamic loader refuses a library whose needed versions are missing, and TorchSharp then reports the
/// misleading "doesn't contain a reference to libtorch-cpu-linux-x64"; <c>ldd libLibTorchSharp.so</c>
/// shows the real cause ("version `GLIBCXX_3.4.32' not found").
/// </para>
/// <para>
/// The only symbol of that version is <c>std::ios_base_library_init()</c>. GCC 13's &lt;iostream&gt; no
/// longer constructs a static <c>std::ios_base::Init</c> in every translation unit; instead it emits a
/// bare <c>.globl</c> reference to that symbol, whose only purpose is to make the binary require a
/// libstdc++ that initialises the standard streams itself. No relocation uses it, so the loader never has
/// to resolve it. The streams are still initialised with the older libstdc++: libc10.so and
/// libtorch_cpu.so, which libLibTorchSharp.so depends on (so their initialisers run first), were built
/// with an older GCC and construct <c>std::ios_base::Init</c> objects themselves. Marking the version need as weak (<c>vna_flags |= VER_FLG_WEAK</c>)
/// tells the loader it may do without it: glibc's version check skips a missing weak version (<c>ldd</c>
/// still lists it, as "weak version `GLIBCXX_3.4.32' not found"), and the library loads and runs with the
/// system's libstdc++.
/// </para>
/// <para>
/// Only the copy in this benchmark's own output folder is changed (never the NuGet cache, never the
/// ScratchNet library). The patch is idempotent and written through a temporary file and a rename, so a
/// process that has the old file mapped is unaffected. Before patching, the relocations are checked: if
/// any of them does refer to a symbol of the version being weakened, the file is left alone, because
/// the library would then fail later with an unresolved symbol instead of failing to load.
/// </para>
/// ELF64 little-endian layouts used (from the System V gABI and the LSB symbol-versioning spec):
/// <code>
/// Elf64_Ehdr: e_shoff @0x28 (u64), e_shentsize @0x3A (u16), e_shnum @0x3C (u16)
/// Elf64_Shdr (64 bytes): sh_type @4 (u32), sh_offset @24 (u64), sh_size @32 (u64),
///                        sh_link @40 (u32), sh_info @44 (u32), sh_entsize @56 (u64)
/// Elf64_Verneed (16): vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
/// Elf64_Vernaux (16): vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
/// Elf64_Rela (24): r_offset u64, r_info u64 (symbol index = r_info >> 32), r_addend i64
/// .gnu.version: one u16 per dynamic symbol, the version index (bit 15 = hidden)
/// </code>
/// </remarks>
public static class ElfVersionPatch
{
    /// <summary>The native binding of TorchSharp, as named in the build output.</summary>
    public const string TorchSharpBinding = "libLibTorchSharp.so";

    /// <summary>The version libLibTorchSharp.so needs but Debian 12's libstdc++ lacks.</summary>
    public const string MissingVersion = "GLIBCXX_3.4.32";

    private const uint ShtRela = 4, ShtRel = 9, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>What <see cref="MakeVersionNeedWeak"/> found.</summary>
    public enum Outcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,
        /// <summary>It was already weak (patched before).</summary>
        AlreadyWeak,
        /// <summary>The file does not need that version at all (a newer TorchSharp, perhaps).</summary>
        NotNeeded,
        /// <summary>A relocation uses a symbol of that version, so weakening it would not be safe; file untouched.</summary>
        Referenced,
        /// <summary>The file is not there.</summary>
        NoFile,
    }

    /// <summary>
    /// Patches <see cref="TorchSharpBinding"/> in <paramref name="directory"/> (the application folder
    /// when null) unless the system's libstdc++ already provides <see cref="MissingVersion"/>.
    /// Must run before anything touches TorchSharp's <c>torch</c> class, which loads the library.
    /// </summary>
    public static string PrepareTorchSharp(string? directory = null)
    {
        string path = Path.Combine(directory ?? AppContext.BaseDirectory, TorchSharpBinding);
        if (SystemLibStdCxxHas(MissingVersion)) return $"{TorchSharpBinding}: system libstdc++ has {MissingVersion}, no patch needed";
        Outcome outcome = MakeVersionNeedWeak(path, MissingVersion);
        return outcome switch
        {
            Outcome.Referenced => throw new InvalidOperationException(
                $"{path}: a relocation refers to a symbol of version {MissingVersion}, so it cannot be made weak safely. " +
                "Install a libstdc++ from GCC 13 or newer, or use an older TorchSharp."),
            _ => $"{TorchSharpBinding}: {MissingVersion} need {outcome switch { Outcome.Patched => "marked weak now", Outcome.AlreadyWeak => "already weak", Outcome.NotNeeded => "not present", _ => "file not found" }}",
        };
    }

    /// <summary>True when the system's libstdc++.so.6 defines the version <paramref name="version"/> (looked up as a string in the file).</summary>
    private static bool SystemLibStdCxxHas(string version)
    {
        foreach (string dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" })
        {
            string candidate = Path.Combine(dir, "libstdc++.so.6");
            if (!File.Exists(candidate)) continue;
            byte[] bytes = File.ReadAllBytes(candidate);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            return bytes.AsSpan().IndexOf(needle) >= 0;
        }
        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="version"/> in the ELF64 file at <paramref name="path"/>.</summary>
    public static Outcome MakeVersionNeedWeak(string path, string version)
    {
        if (!File.Exists(path)) return Outcome.NoFile;
        byte[] elf = File.ReadAllBytes(path);
        Span<byte> b = elf;
        if (b.Length < 64 || !b[..4].SequenceEqual("\u007fELF"u8))
            throw new InvalidDataException($"{path} is not an ELF file.");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");

        ulong shoff = U64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            int h = checked((int)shoff + i * shentsize);
            sections.Add(new Section(U32(b, h + 4), checked((int)U64(b, h + 24)), checked((int)U64(b, h + 32)),
                (int)U32(b, h + 40), (int)U32(b, h + 44), checked((int)U64(b, h + 56))));
        }

        // Walk .gnu.version_r: sh_info Verneed records, each with vn_cnt Vernaux records.
        var matches = new List<(int FlagsOffset, ushort VersionIndex)>();
        foreach (Section verneed in sections.Where(s => s.Type == ShtGnuVerneed))
        {
            Section strings = sections[verneed.Link];
            int need = verneed.Offset;
            for (int n = 0; n < verneed.Info; n++)
            {
                int count = U16(b, need + 2);
                int aux = need + (int)U32(b, need + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = CString(b, strings.Offset + (int)U32(b, aux + 8));
                    if (name == version) matches.Add((aux + 4, U16(b, aux + 6)));
                    aux += (int)U32(b, aux + 12);
                }
                need += (int)U32(b, need + 12);
            }
        }
        if (matches.Count == 0) return Outcome.NotNeeded;
        if (matches.All(m => (U16(elf, m.FlagsOffset) & VerFlgWeak) != 0)) return Outcome.AlreadyWeak;

        // Safety: no relocation may refer to a dynamic symbol carrying one of these version indices.
        Section? versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (versym is null) throw new InvalidDataException($"{path} has version needs but no .gnu.version section.");
        var weakened = matches.Select(m => m.VersionIndex).ToHashSet();
        foreach (Section rel in sections.Where(s => s.Type is ShtRela or ShtRel && s.Link == versym.Link))
        {
            int entry = rel.EntrySize > 0 ? rel.EntrySize : (rel.Type == ShtRela ? 24 : 16);
            for (int r = rel.Offset; r + entry <= rel.Offset + rel.Size; r += entry)
            {
                int symbol = (int)(U64(b, r + 8) >> 32);
                if (symbol != 0 && weakened.Contains((ushort)(U16(b, versym.Offset + 2 * symbol) & 0x7fff)))
                    return Outcome.Referenced;
            }
        }

        foreach (var (flagsOffset, _) in matches)
            BinaryPrimitives.WriteUInt16LittleEndian(b[flagsOffset..], (ushort)(U16(b, flagsOffset) | VerFlgWeak));
        string temporary = path + ".patching";
        File.WriteAllBytes(temporary, elf);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
        File.Move(temporary, path, overwrite: true);
        return Outcome.Patched;
    }

    private sealed record Section(uint Type, int Offset, int Size, int Link, int Info, int EntrySize);

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    private static string CString(ReadOnlySpan<byte> b, int at)
    {
        int end = b[at..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(b.Slice(at, end));
    }
}
