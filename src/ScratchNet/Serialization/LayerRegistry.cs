using System.Reflection;
using System.Text.RegularExpressions;

namespace ScratchNet.Serialization;

/// <summary>
/// Operations and layers of your own that model files and specifications may name, as Keras's custom objects. Register a
/// class before saving or loading a model that uses it:
/// <code>
/// [ScratchNetLayer("cube")]
/// sealed class Cube : Activation { … }
///
/// LayerRegistry.Register&lt;Cube&gt;();   // or LayerRegistry.RegisterAll(typeof(Cube).Assembly)
/// </code>
/// An operation serves as an activation (<c>new Dense(10, new Cube())</c> is written <c>"activation": "cube"</c>), a layer as
/// an entry of its own (<c>{"type": "my_layer", …}</c>). Settings are the class's public properties with <c>set</c> or
/// <c>init</c> (see the docs' "Register a custom layer"). The command line registers every marked class of the assemblies
/// given with <c>--plugin FILE.dll</c>.
/// </summary>
/// <remarks>
/// The registry is one per process, like the set of loaded assemblies: a model file must read the same wherever it is
/// loaded. It only grows; registering a class again under its name changes nothing, and it is safe from any thread.
/// </remarks>
public static partial class LayerRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, CustomKind> ByName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<Type, CustomKind> ByType = [];

    /// <summary>
    /// Registers <typeparamref name="T"/> under <paramref name="name"/>, or under the name its
    /// <see cref="ScratchNetLayerAttribute"/> gives when <paramref name="name"/> is null; returns the name.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The name is missing, malformed, a built-in layer or activation, or taken by another class; or the class cannot be
    /// made and described (no public constructor without parameters, a setting of an unsupported type).
    /// </exception>
    public static string Register<T>(string? name = null) where T : class => Register(typeof(T), name);

    /// <inheritdoc cref="Register{T}"/>
    public static string Register(Type type, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        CustomKind kind = KindOf(type, name);
        lock (Gate)
        {
            Add([kind]);
            return ByType[type].Name;   // as first registered: "Cube" again after "cube" changes nothing
        }
    }

    /// <summary>
    /// Registers every class of <paramref name="assembly"/> marked <see cref="ScratchNetLayerAttribute"/>, all or none
    /// (a class that cannot be registered leaves the registry as it was); returns their names, sorted.
    /// </summary>
    /// <exception cref="ArgumentException">A marked class cannot be registered; the message names it.</exception>
    public static IReadOnlyList<string> RegisterAll(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        CustomKind[] kinds = assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<ScratchNetLayerAttribute>() is not null)
            .Select(t => KindOf(t, null)).ToArray();
        lock (Gate)
        {
            Add(kinds);
        }
        return kinds.Select(k => k.Name).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The names registered so far, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate) return ByName.Keys.Order(StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>The kind registered under <paramref name="name"/> (any case), or null.</summary>
    internal static CustomKind? Named(string name)
    {
        lock (Gate) return ByName.GetValueOrDefault(name);
    }

    /// <summary>The kind registered for exactly <paramref name="type"/>, or null.</summary>
    internal static CustomKind? Of(Type type)
    {
        lock (Gate) return ByType.GetValueOrDefault(type);
    }

    /// <summary>How to register the class <paramref name="className"/> under <paramref name="name"/>, for messages: in code, and on the command line.</summary>
    internal static string HowToRegister(string className, string name) =>
        $"in code, LayerRegistry.Register<{className}>(\"{name}\") (or mark the class [ScratchNetLayer(\"{name}\")] and call LayerRegistry.Register<{className}>()) " +
        "before loading or saving; on the command line, --plugin FILE.dll with the assembly that defines it";

    // Checks everything that does not depend on what is registered already.
    private static CustomKind KindOf(Type type, string? name)
    {
        string? marked = type.GetCustomAttribute<ScratchNetLayerAttribute>()?.Name;
        string what = type.FullName ?? type.Name;
        if (name is not null && marked is not null && !name.Equals(marked, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{what} is marked [ScratchNetLayer(\"{marked}\")]; register it under that name, not '{name}', so that code and --plugin agree.");
        name ??= marked ?? throw new ArgumentException($"{what} has no name: give one (LayerRegistry.Register<{type.Name}>(\"my_name\")) or mark the class [ScratchNetLayer(\"my_name\")].");
        if (!ValidName().IsMatch(name))
            throw new ArgumentException($"'{name}' ({what}) is not a valid name: use letters, digits, '_', '-' and '.', starting with a letter, at most 64 characters.");
        if (LayerKinds.Builtin(name) is not null || ModelSpec.CreateActivation(name) is not null)
            throw new ArgumentException($"'{name}' ({what}) is the name of a built-in layer or activation; choose another name.");
        return CustomKind.Of(name, type);
    }

    // Adds all of kinds, or none: a name taken by another class, or a class under another name, is refused.
    private static void Add(IReadOnlyList<CustomKind> kinds)
    {
        foreach (CustomKind kind in kinds)
        {
            if (ByName.TryGetValue(kind.Name, out CustomKind? taken) && taken.Type != kind.Type)
                throw new ArgumentException($"'{kind.Name}' is registered already, for {taken.Type.FullName} from {Origin(taken.Type)}; " +
                                            $"{kind.Type.FullName} from {Origin(kind.Type)} needs another name.");
            if (ByType.TryGetValue(kind.Type, out CustomKind? named) && !named.Name.Equals(kind.Name, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{kind.Type.FullName} is registered already, as '{named.Name}'; a class has one name.");
        }
        var duplicate = kinds.GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"'{duplicate.Key}' names two classes: {string.Join(" and ", duplicate.Select(k => k.Type.FullName))}.");
        foreach (CustomKind kind in kinds)
        {
            ByName.TryAdd(kind.Name, kind);
            ByType.TryAdd(kind.Type, kind);
        }
    }

    // The file a class comes from (two copies of one plugin hold classes of the same name), or its assembly's name.
    private static string Origin(Type type) => type.Assembly.Location is { Length: > 0 } file ? file : type.Assembly.GetName().Name ?? "?";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex ValidName();
}
