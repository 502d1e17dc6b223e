using System.Diagnostics;

namespace ScratchNet.Tests.Serialization;

/// <summary>
/// Devices, pipes and the file type of a path, made and read with the system's own tools (mknod, mkfifo, stat).
/// The tests run as root here and in CI, so a failing mknod fails the test instead of skipping it.
/// </summary>
internal static class SpecialFiles
{
    /// <summary>A character device with /dev/null's numbers (1, 3) at <paramref name="path"/>.</summary>
    public static string NullDevice(string path)
    {
        Tool("mknod", path, "c", "1", "3");
        Assert.Equal("character special file", TypeOf(path));
        return path;
    }

    /// <summary>A named pipe at <paramref name="path"/>.</summary>
    public static string Fifo(string path)
    {
        Tool("mkfifo", path);
        Assert.Equal("fifo", TypeOf(path));
        return path;
    }

    /// <summary>The type of the entry itself, links not followed: "regular file", "symbolic link", "fifo", …</summary>
    public static string TypeOf(string path) => Tool("stat", "-c", "%F", path).Trim();

    private static string Tool(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{name} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        return output;
    }
}
