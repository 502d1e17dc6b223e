using System.CommandLine;
using System.CommandLine.Parsing;

namespace ScratchNet.Cli;

/// <summary>Range checks attached to options, so bad values fail at parse time with the value received.</summary>
internal static class OptionChecks
{
    public static Option<int> Positive(this Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out int value)) return;
            if (value <= 0) result.AddError($"{option.Name} must be a positive whole number, got {value}.");
        });
        return option;
    }

    public static Option<int?> Positive(this Option<int?> option)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out int? value)) return;
            if (value is <= 0) result.AddError($"{option.Name} must be a positive whole number, got {value}.");
        });
        return option;
    }

    public static Option<float?> PositiveFinite(this Option<float?> option)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out float? value)) return;
            if (value is { } v && !(float.IsFinite(v) && v > 0))
                result.AddError($"{option.Name} must be a positive finite number, got {v}.");
        });
        return option;
    }

    public static Option<float?> NonNegativeFinite(this Option<float?> option)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out float? value)) return;
            if (value is { } v && !(float.IsFinite(v) && v >= 0))
                result.AddError($"{option.Name} must be a finite number of at least 0, got {v}.");
        });
        return option;
    }

    public static Option<float?> InRange(this Option<float?> option, float min, float maxExclusive)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out float? value)) return;
            if (value is { } v && !(v >= min && v < maxExclusive))
                result.AddError($"{option.Name} must be in [{min}, {maxExclusive}), got {v}.");
        });
        return option;
    }

    public static TOption OneOf<TOption>(this TOption option, params string[] allowed) where TOption : Option
    {
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
                result.AddError($"{option.Name} must be one of {string.Join(", ", allowed)}; got '{value}'.");
        });
        return option;
    }

    /// <summary>
    /// Refuses an empty value for every text option (a path, a name, a shape) of <paramref name="root"/>'s subcommands:
    /// an empty path would silently mean the default folder (<c>--data ""</c>) or the current one.
    /// </summary>
    public static void RefuseEmptyText(Command root)
    {
        foreach (Command command in root.Subcommands)
            foreach (Option option in command.Options)
                if (option is Option<string> or Option<string?> or Option<string[]>) option.Validators.Add(NotEmpty);
    }

    private static void NotEmpty(OptionResult result)
    {
        foreach (var token in result.Tokens)
            if (string.IsNullOrWhiteSpace(token.Value))
                result.AddError($"{result.Option.Name} was given an empty value; give {Placeholder(result.Option)}" +
                    (result.Option.Required ? "." : " or leave the option out."));
    }

    // What the option expects, from its name: a folder, a file or a value.
    private static string Placeholder(Option option) => option.Name switch
    {
        "--data" or "--out" or "--resume" => "a folder",
        "--model-file" or "--spec" or "--metrics" => "a file",
        "--plugin" => "an assembly (.dll)",
        _ => "a value",
    };

    /// <summary>A size in bytes such as 4G, 500M or 1048576 (see <see cref="MemoryBudget.TryParse"/>).</summary>
    public static Option<string?> ByteSize(this Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            if (TryGet(result, out string? text) && text is not null && MemoryBudget.TryParse(text) is null)
                result.AddError($"{option.Name} must be a size such as 4G, 500M or a number of bytes, got '{text}'.");
        });
        return option;
    }

    public static Option<int?> AtMost(this Option<int?> option, int maximum)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out int? value)) return;
            if (value > maximum) result.AddError($"{option.Name} must be at most {maximum}, got {value}.");
        });
        return option;
    }

    public static Option<int> AtMost(this Option<int> option, int maximum)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out int value)) return;
            if (value > maximum) result.AddError($"{option.Name} must be at most {maximum}, got {value}.");
        });
        return option;
    }

    // An unparsable value is reported by the parser itself; the range check then has nothing to say.
    internal static bool TryGet<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
