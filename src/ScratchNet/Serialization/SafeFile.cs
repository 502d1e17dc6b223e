using System.Text;

namespace ScratchNet.Serialization;

/// <summary>
/// Writes output files (models, checkpoints, metrics, reports) so that nothing is half-written and nothing
/// that is not an output gets destroyed. The content goes to a new file with a random name in the target's
/// folder, created exclusively (it never opens an existing file or follows a link), is flushed to disk and
/// is then renamed over the target, which readers therefore see whole or not at all.
/// </summary>
/// <remarks>
/// Only a missing target or a regular file is replaced. A folder, a symbolic link (neither followed nor
/// replaced: replacing /dev/stdout as root would break the system as surely as replacing /dev/null), a
/// device, a pipe or a socket is refused with an <see cref="IOException"/> before anything is written.
/// .NET has no managed call that tells a device from an empty file (both report length 0), so an existing
/// empty target is opened, without truncating, and asked to keep its own length: only a regular file accepts
/// that, pipes cannot even seek. A file with content is regular (devices, pipes and sockets report size 0).
/// The folder is not flushed after the rename (.NET cannot open a folder), so after a power cut the target
/// may still be the old file, never a mixture of both.
/// </remarks>
public static class SafeFile
{
    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="IOException">The target is not a regular file, or the folder cannot be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = CheckTarget(path);
        string folder = Directory.CreateDirectory(Path.GetDirectoryName(full)!).FullName;
        var (temporary, stream) = CreateTemporary(folder, Path.GetFileName(full));
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows() && File.Exists(full)) File.SetUnixFileMode(temporary, File.GetUnixFileMode(full)); // keep the old file's permissions
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // a no-op after the move; removes the link only if something swapped one in
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="IOException">The target is not a regular file, or the folder cannot be written.</exception>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="IOException">The target is not a regular file, or the folder cannot be written.</exception>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Fails early, before any work, when <paramref name="path"/> could not be written: the target is not a
    /// regular file (see the remarks of <see cref="SafeFile"/>) or its folder cannot be created or written.
    /// Nothing is left behind: the folder's writability is tried with a new, randomly named file that is deleted.
    /// </summary>
    /// <exception cref="IOException">The message says why.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static void CheckWritable(string path)
    {
        string full = CheckTarget(path);
        string folder = Directory.CreateDirectory(Path.GetDirectoryName(full)!).FullName;
        var (temporary, stream) = CreateTemporary(folder, Path.GetFileName(full));
        stream.Dispose();
        File.Delete(temporary);
    }

    /// <summary>The full path of <paramref name="path"/>, after checking that it is missing or a regular file.</summary>
    /// <exception cref="IOException">It is a folder, a link, a device, a pipe or a socket.</exception>
    public static string CheckTarget(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        var target = new FileInfo(full);
        if (target.LinkTarget is { } link)
            throw new IOException($"cannot write {full}: it is a symbolic link (to {link}), which ScratchNet neither follows nor replaces; give the path of a regular file.");
        if (Directory.Exists(full))
            throw new IOException($"cannot write {full}: it is a folder; give a file name inside it.");
        if (target.Exists && target.Length == 0 && !IsRegularEmptyFile(full))
            throw new IOException($"cannot write {full}: it is a device, pipe or socket, not a regular file; ScratchNet writes outputs only as regular files, which it replaces whole.");
        return full;
    }

    // Opening read-write does not block on a pipe (on Linux) and does not truncate; ftruncate to the file's own
    // length succeeds only on a regular file (EINVAL on a device), and a pipe cannot seek at all.
    private static bool IsRegularEmptyFile(string full)
    {
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            if (!stream.CanSeek) return false;
            stream.SetLength(stream.Length);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // A new file next to the target: a random name, created exclusively (O_CREAT|O_EXCL fails on anything that
    // exists there, a planted link included), hidden so that a listing does not show it as an output.
    private static (string Path, FileStream Stream) CreateTemporary(string folder, string name)
    {
        for (int attempt = 0; ; attempt++)
        {
            string temporary = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
            try
            {
                return (temporary, new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None));
            }
            catch (IOException) when (attempt < 3 && Path.Exists(temporary))
            {
                // Someone took that name between the draw and the open; draw another.
            }
        }
    }
}
