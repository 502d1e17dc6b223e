using System.CommandLine;
using System.Reflection;
using System.Runtime.Loader;
using ScratchNet.Serialization;

namespace ScratchNet.Cli;

/// <summary>
/// <c>--plugin FILE.dll</c>: loads an assembly of the user's and registers every operation and layer in it marked
/// <see cref="ScratchNetLayerAttribute"/> (<see cref="LayerRegistry.RegisterAll"/>), before the command reads a model file
/// or a specification. A model file never loads code by itself: only the plugins named on the command line run.
/// </summary>
internal static class PluginLoader
{
    // By full path: a file is loaded once per process (in-process runs, a file given twice), so its classes stay the same types.
    private static readonly Dictionary<string, Assembly> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Loads the plugins the parsed command was given with its <c>--plugin</c> option, if it has one.</summary>
    /// <exception cref="UsageException">A plugin cannot be used; the message names it and says why.</exception>
    public static void LoadFor(ParseResult parsed)
    {
        if (parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == CommonOptions.PluginOptionName) is Option<string[]> option)
            foreach (string path in parsed.GetValue(option) ?? []) Load(path);
    }

    /// <summary>Loads the assembly <paramref name="path"/> and registers its marked classes; returns their names.</summary>
    /// <exception cref="UsageException">The file is missing, a folder, not a .NET assembly, marks no class, or a name is taken.</exception>
    public static IReadOnlyList<string> Load(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw Problem(path, "is a folder; give the plugin's assembly, e.g. bin/Release/net10.0/MyLayers.dll");
        if (!File.Exists(full)) throw Problem(path, "does not exist; build the plugin project and give its .dll");
        Assembly assembly;
        lock (Gate)
        {
            if (!Loaded.TryGetValue(full, out assembly!))
            {
                try
                {
                    assembly = new PluginLoadContext(full).LoadFromAssemblyPath(full);
                }
                catch (BadImageFormatException)
                {
                    throw Problem(path, "is not a .NET assembly; give the .dll that building the plugin project produces");
                }
                catch (FileLoadException e)
                {
                    throw Problem(path, $"cannot be loaded ({e.Message})");
                }
                Loaded[full] = assembly;
            }
        }
        IReadOnlyList<string> names;
        try
        {
            names = LayerRegistry.RegisterAll(assembly);
        }
        catch (ReflectionTypeLoadException e)
        {
            // Most often a plugin built against another version of ScratchNet than this command's.
            throw Problem(path, $"cannot be loaded: {e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message} " +
                                $"(build it against ScratchNet {typeof(LayerRegistry).Assembly.GetName().Version})");
        }
        catch (ArgumentException e)
        {
            throw Problem(path, e.Message);
        }
        return names.Count > 0 ? names
            : throw Problem(path, "defines no operation or layer marked [ScratchNetLayer(\"name\")]; mark each class a model file names, and build the plugin again");
    }

    private static UsageException Problem(string path, string problem) => new($"--plugin {path}: {problem.TrimEnd('.')}.");

    /// <summary>
    /// The plugin's own load context: its dependencies come from its folder, but every assembly the command has loaded
    /// (ScratchNet above all) is shared, so that a plugin's layer derives from the very Layer class the command uses.
    /// </summary>
    private sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext($"plugin {Path.GetFileName(pluginPath)}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

        protected override Assembly? Load(AssemblyName name)
        {
            if (Default.Assemblies.Any(a => a.GetName().Name == name.Name)) return null;
            return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
