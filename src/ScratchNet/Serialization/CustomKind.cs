using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScratchNet.Layers;
using ScratchNet.Operations;

namespace ScratchNet.Serialization;

/// <summary>
/// A registered operation or layer of the user's (see <see cref="LayerRegistry"/>): its name, its class, and its settings,
/// the public properties with <c>set</c> or <c>init</c> that its own classes declare (numbers, true/false, text, enums).
/// A new instance is made with the constructor without parameters, then each setting the JSON gives is assigned; a
/// description writes every setting, under its name in snake_case (<c>InitialScale</c> → <c>"initial_scale"</c>).
/// </summary>
internal sealed class CustomKind
{
    private static readonly Type[] SettingTypes = [typeof(int), typeof(long), typeof(float), typeof(double), typeof(bool), typeof(string)];
    private readonly (string Key, PropertyInfo Property)[] _settings;

    private CustomKind(string name, Type type, (string, PropertyInfo)[] settings)
    {
        Name = name;
        Type = type;
        _settings = settings;
        AsLayerKind = new LayerKind(name, l => l.GetType() == type, e => (Layer)Create(e), l => Describe(l));
    }

    /// <summary>The name in model files.</summary>
    public string Name { get; }

    /// <summary>The registered class.</summary>
    public Type Type { get; }

    /// <summary>A layer (a "type" of its own) rather than an operation (used as an activation).</summary>
    public bool IsLayer => typeof(Layer).IsAssignableFrom(Type);

    /// <summary>The kind as an entry of the layer table (for a layer).</summary>
    public LayerKind AsLayerKind { get; }

    /// <summary>The kind of <paramref name="type"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The class cannot be saved and loaded: the message says why and what to change.</exception>
    public static CustomKind Of(string name, Type type)
    {
        string what = type.FullName ?? type.Name;
        if (!typeof(Operation).IsAssignableFrom(type) && !typeof(Layer).IsAssignableFrom(type))
            throw new ArgumentException($"{what} cannot be registered as '{name}': it is neither an Operation nor a Layer.");
        if (type.IsAbstract || type.IsGenericTypeDefinition || type.GetConstructor(Type.EmptyTypes) is not { IsPublic: true })
            throw new ArgumentException($"{what} cannot be registered as '{name}': loading makes it with a public constructor without parameters, " +
                                        "and it has none (or it is abstract or generic); take settings as public properties with init instead of constructor arguments.");
        var settings = new List<(string, PropertyInfo)>();
        foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The library's own properties (Compute, Seed, WeightInit …) are not settings.
            if (p.DeclaringType!.Assembly == typeof(Layer).Assembly || p.GetIndexParameters().Length > 0) continue;
            bool settable = p.SetMethod is { IsPublic: true }, settingType = IsSettingType(p.PropertyType);
            if (settable && !settingType)
                throw new ArgumentException($"{what}.{p.Name} cannot be a setting of '{name}': its type {p.PropertyType.Name} is not a number, bool, string or enum; " +
                                            "make it get-only (computed) or not public.");
            // A get-only auto-property of a setting's type is set by a constructor: a model file could not restore it.
            if (!settable && settingType && type.GetField($"<{p.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance) is not null)
                throw new ArgumentException($"{what}.{p.Name} has no set or init accessor, so a model file could not restore it; " +
                                            $"declare it {{ get; init; }} (settings are public properties with set or init).");
            if (settable) settings.Add((JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p));
        }
        if (settings.Any(s => s.Item1 == "type"))
            throw new ArgumentException($"{what} cannot be registered as '{name}': a setting may not be called Type (the entry's \"type\" is its kind).");
        return new CustomKind(name, type, [.. settings.OrderBy(s => s.Item1, StringComparer.Ordinal)]);
    }

    /// <summary>A new instance with the settings <paramref name="entry"/> gives (the constructor's values for the others).</summary>
    /// <exception cref="ArgumentException">The class refuses a value (reported at the entry's path).</exception>
    public object Create(SpecEntry? entry)
    {
        object instance;
        try
        {
            instance = Activator.CreateInstance(Type)!;
            foreach (var (key, property) in _settings)
                if (entry?.Setting(key) is { } node) property.SetValue(instance, Read(entry, node, $"{entry.Path}.{key}", property.PropertyType));
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            throw inner;   // a value the class's own checks refuse, as for a built-in layer
        }
        return instance;
    }

    /// <summary>The entry of <paramref name="instance"/>: {"type": name, and every setting}.</summary>
    public JsonObject Describe(object instance)
    {
        var entry = new JsonObject { ["type"] = Name };
        foreach (var (key, property) in _settings) entry[key] = Write(property, property.GetValue(instance));
        return entry;
    }

    /// <summary>An operation as a layer's "activation" field: its name alone when it has no settings.</summary>
    public JsonNode DescribeActivation(Operation operation) => _settings.Length == 0 ? JsonValue.Create(Name) : Describe(operation);

    private static bool IsSettingType(Type t) => SettingTypes.Contains(t) || t.IsEnum;

    private JsonNode? Write(PropertyInfo property, object? value) => value switch
    {
        null => null,
        float f when !float.IsFinite(f) => throw NotFinite(property, f),
        double d when !double.IsFinite(d) => throw NotFinite(property, d),
        Enum e => JsonValue.Create(e.ToString()),
        float f => JsonValue.Create(f),   // the shortest text that reads back as the same float
        double d => JsonValue.Create(d),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create((string)value),
    };

    private NotSupportedException NotFinite(PropertyInfo property, double value) =>
        new($"{Type.Name}.{property.Name} is {value}; a model file holds finite numbers only.");

    private static object Read(SpecEntry entry, JsonNode node, string at, Type type)
    {
        var value = node as JsonValue;
        if (type.IsEnum)
        {
            string? text = value is not null && value.TryGetValue(out string? s) ? s : null;
            return text is not null && Enum.TryParse(type, text, ignoreCase: true, out object? parsed) && Enum.IsDefined(type, parsed)
                ? parsed : throw entry.Bad(at, $"expected one of {string.Join(", ", Enum.GetNames(type).Select(n => $"\"{n}\""))}, got {node.ToJsonString()}");
        }
        object? result = type switch
        {
            _ when type == typeof(int) => value is not null && value.TryGetValue(out int i) ? i : null,
            _ when type == typeof(long) => value is not null && value.TryGetValue(out long l) ? l : null,
            _ when type == typeof(float) => value is not null && value.TryGetValue(out float f) && float.IsFinite(f) ? f : null,
            _ when type == typeof(double) => value is not null && value.TryGetValue(out double d) && double.IsFinite(d) ? d : null,
            _ when type == typeof(bool) => value is not null && value.TryGetValue(out bool b) ? b : null,
            _ => value is not null && value.TryGetValue(out string? s) ? s : null,
        };
        string expected = type == typeof(int) || type == typeof(long) ? "a whole number" : type == typeof(bool) ? "true or false"
            : type == typeof(string) ? "a string" : "a number";
        return result ?? throw entry.Bad(at, $"expected {expected}, got {node.ToJsonString()}");
    }
}
