using System.Reflection;
using System.Reflection.Emit;

namespace ScratchNet.Tests.Architecture;

/// <summary>
/// Which namespace folders of an assembly use which, read from the compiled code rather than from <c>using</c>
/// lines: a fully qualified call (<c>Serialization.ModelFile.Save(…)</c>) has no <c>using</c> but is a dependency all
/// the same. For every type it collects the types named by its base type, interfaces, fields, method signatures,
/// local variables, catch clauses and every metadata token in its method bodies' IL (calls, field accesses,
/// <c>newobj</c>, <c>typeof</c>, casts), generic arguments included.
/// </summary>
internal static class NamespaceDependencies
{
    /// <summary>One edge of the graph with the first reference found for it, for the failure message.</summary>
    internal sealed record Edge(string From, string To, string Example);

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
                                          | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>
    /// The edges between the folders of the types of <paramref name="assembly"/> whose namespace starts with
    /// <paramref name="root"/>: a type in <c>{root}.Training.X</c> belongs to folder "Training", one in
    /// <c>{root}</c> itself to "(root)". References outside <paramref name="root"/> (System, packages) are ignored.
    /// </summary>
    public static IReadOnlyList<Edge> Edges(Assembly assembly, string root)
    {
        var edges = new Dictionary<(string, string), Edge>();
        foreach (Type type in assembly.GetTypes())
        {
            string? from = FolderOf(type, root);
            if (from is null) continue;
            foreach (var (used, where) in ReferencedTypes(type))
                if (FolderOf(used, root) is { } to && to != from && !edges.ContainsKey((from, to)))
                    edges[(from, to)] = new Edge(from, to, $"{Describe(type)}{where} uses {Describe(used)}");
        }
        return edges.Values.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList();
    }

    /// <summary>The first cycle among <paramref name="edges"/> as the folders along it (first = last), or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyList<Edge> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var state = new Dictionary<string, bool>(); // false: on the current path; true: finished, no cycle through it
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out bool done))
                return done ? null : [.. path.Skip(path.IndexOf(node)), node];
            state[node] = false;
            path.Add(node);
            foreach (string to in next.GetValueOrDefault(node) ?? [])
                if (Visit(to) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            state[node] = true;
            return null;
        }
        foreach (string node in next.Keys.Order(StringComparer.Ordinal))
            if (Visit(node) is { } cycle) return cycle;
        return null;
    }

    private static string? FolderOf(Type type, string root)
    {
        while (type.HasElementType) type = type.GetElementType()!;
        string? ns = type.Namespace; // a nested type (a lambda's closure, say) reports its outer type's namespace
        if (ns == root) return "(root)";
        if (ns is null || !ns.StartsWith(root + ".", StringComparison.Ordinal)) return null;
        string rest = ns[(root.Length + 1)..];
        int dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static string Describe(Type type) =>
        (type.IsConstructedGenericType ? type.GetGenericTypeDefinition() : type).FullName ?? type.Name;

    private static IEnumerable<(Type Used, string Where)> ReferencedTypes(Type type)
    {
        var found = new List<(Type, string)>();
        void Add(Type? t, string where)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType(), where); return; }
            if (t.IsGenericParameter) return;
            found.Add((t, where));
            if (t.IsConstructedGenericType)
                foreach (Type argument in t.GetGenericArguments()) Add(argument, where);
        }

        Add(type.BaseType, " (base type)");
        foreach (Type i in type.GetInterfaces()) Add(i, " (interface)");
        foreach (FieldInfo f in type.GetFields(Declared)) Add(f.FieldType, $".{f.Name}");
        foreach (MethodBase method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            string where = $".{method.Name}";
            if (method is MethodInfo m) Add(m.ReturnType, where);
            foreach (ParameterInfo p in method.GetParameters()) Add(p.ParameterType, where);
            MethodBody? body = method.GetMethodBody();
            if (body is null) continue;
            foreach (LocalVariableInfo local in body.LocalVariables) Add(local.LocalType, where);
            foreach (ExceptionHandlingClause clause in body.ExceptionHandlingClauses)
                if (clause.Flags == ExceptionHandlingClauseOptions.Clause) Add(clause.CatchType, where);
            foreach (MemberInfo member in TokensInBody(method, body))
            {
                Add(member as Type ?? member.DeclaringType, where);
                if (member is MethodInfo { IsGenericMethod: true } generic)
                    foreach (Type argument in generic.GetGenericArguments()) Add(argument, where);
                if (member is FieldInfo field) Add(field.FieldType, where);
            }
        }
        return found;
    }

    // Walks the IL instruction by instruction and resolves every type, method or field token.
    private static IEnumerable<MemberInfo> TokensInBody(MethodBase method, MethodBody body)
    {
        byte[] il = body.GetILAsByteArray() ?? [];
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var members = new List<MemberInfo>();
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    members.Add(method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments)!);
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default: // InlineI, InlineBrTarget, InlineSig, InlineString, ShortInlineR: a 4-byte operand that names no type
                    i += 4;
                    break;
            }
        }
        return members;
    }
}
