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
    /// Checks every command shares, added to all options of <paramref name="root"/>'s subcommands: a text option
    /// (a path, a name, a shape) may not be empty, since an empty path would silently mean the default folder or the
    /// current one; and <c>--threads</c> is at most <see cref="Kernels.ComputeContext.MaxThreads"/>, so that a
    /// mistyped count is refused instead of exhausting memory.
    /// </summary>
    public static void AddSharedChecks(RootCommand root)
    {
        foreach (Command command in root.Subcommands)
            foreach (Option option in command.Options)
            {
                if (option is Option<string> or Option<string?>) option.Validators.Add(NotEmpty);
                if (option is Option<int> { Name: "--threads" } threads) threads.AtMost(Kernels.ComputeContext.MaxThreads, "the most ScratchNet uses");
            }
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
        _ => "a value",
    };

    private static Option<int> AtMost(this Option<int> option, int maximum, string why)
    {
        option.Validators.Add(result =>
        {
            if (!TryGet(result, out int value)) return;
            if (value > maximum)
                result.AddError($"{option.Name} must be at most {maximum} ({why}; this machine has {Environment.ProcessorCount} cores), got {value}.");
        });
        return option;
    }

    // An unparsable value is reported by the parser itself; the range check then has nothing to say.
    private static bool TryGet<T>(OptionResult result, out T value)
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
