namespace ScratchNet.Data;

/// <summary>
/// Lists the image files of a folder of class folders: class names are the folder names sorted ordinally, files are
/// found at any depth inside a class folder (following symbolic links, refusing loops) and sorted ordinally.
/// Hidden entries (name starting with '.'), files without an image extension and files beside the class folders are
/// passed over and counted.
/// </summary>
internal static class ImageFolderScanner
{
    private const int MaxDepth = 64;

    /// <summary>The class folders of <paramref name="root"/> and their image files.</summary>
    public static ImageFolderScan Scan(string root)
    {
        int ignored = 0;
        var classes = new List<string>();
        foreach (FileSystemInfo entry in Entries(root, root))
        {
            if (entry.Name.StartsWith('.') || entry is not DirectoryInfo) ignored++;
            else classes.Add(entry.Name);
        }
        classes.Sort(StringComparer.Ordinal);
        // Class names go into the model file, which takes plain text only: refused here, before any training.
        foreach (string name in classes)
            if (name.Any(PlainText.IsUnprintable))
                throw DataFormatException.ForFolder(root,
                    $"its class folder {System.Text.Json.JsonSerializer.Serialize(name)} has a control character or line break in its name; class names must be plain text. Rename the folder.");
        if (classes.Count == 0)
            throw new DataNotFoundException(
                $"Folder '{root}' holds no class folders: an image folder data set needs one subfolder per class (e.g. {Path.Combine(root, "cat")}/*.png).");
        var files = new List<string>();
        var labels = new List<int>();
        string rootCanonical = Canonical(root, Path.GetDirectoryName(Path.GetFullPath(root)) ?? "/");
        for (int label = 0; label < classes.Count; label++)
        {
            string folder = Path.Combine(root, classes[label]);
            var found = new List<string>();
            int ignoredHere = 0;
            Walk(root, folder, [rootCanonical, Canonical(folder, rootCanonical)], found, ref ignoredHere, 0);
            ignored += ignoredHere;
            if (found.Count == 0)
                throw DataFormatException.ForFolder(root,
                    $"its class folder '{classes[label]}' holds no PNG, JPEG or BMP files ({ignoredHere} other files ignored). Add images to it or remove it.");
            found.Sort(StringComparer.Ordinal);
            files.AddRange(found);
            labels.AddRange(Enumerable.Repeat(label, found.Count));
        }
        return new ImageFolderScan(root, classes, files, labels, ignored);
    }

    private static void Walk(string root, string folder, List<string> ancestors, List<string> found, ref int ignored, int depth)
    {
        if (depth > MaxDepth)
            throw DataFormatException.ForFolder(root, $"'{folder}' lies more than {MaxDepth} folders deep; is there a link loop?");
        foreach (FileSystemInfo entry in Entries(folder, root))
        {
            if (entry.Name.StartsWith('.')) ignored++;
            else if (entry is DirectoryInfo directory)
            {
                string canonical = Canonical(directory.FullName, ancestors[^1]);
                if (ancestors.Contains(canonical))
                    throw DataFormatException.ForFolder(root,
                        $"the folder '{directory.FullName}' leads back to '{canonical}', which contains it: a symbolic link loop. Remove the link.");
                ancestors.Add(canonical);
                Walk(root, directory.FullName, ancestors, found, ref ignored, depth + 1);
                ancestors.RemoveAt(ancestors.Count - 1);
            }
            else if (ImageDecoder.HasImageExtension(entry.Name)) found.Add(entry.FullName);
            else ignored++;
        }
    }

    // The folder's real location: a link's final target, or the real parent joined with the name.
    private static string Canonical(string folder, string canonicalParent)
    {
        var info = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        if (info.LinkTarget is null) return Path.Combine(canonicalParent, info.Name);
        FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
        return Path.TrimEndingDirectorySeparator(target?.FullName ?? info.FullName);
    }

    private static FileSystemInfo[] Entries(string folder, string root)
    {
        try
        {
            // Symbolic links to folders count as folders (their target's type decides).
            return new DirectoryInfo(folder).GetFileSystemInfos()
                .Select(e => e.LinkTarget is not null && Directory.Exists(e.FullName) && e is not DirectoryInfo ? new DirectoryInfo(e.FullName) : e)
                .ToArray();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw DataFormatException.ForFolder(root, $"its folder '{folder}' cannot be read ({e.Message.TrimEnd('.')}). Check its permissions or remove it.");
        }
    }
}

/// <summary>What <see cref="ImageFolderScanner.Scan"/> found.</summary>
internal sealed record ImageFolderScan(string Root, List<string> ClassNames, List<string> Files, List<int> Labels, int Ignored);
