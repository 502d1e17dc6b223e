using System.Reflection;
using System.Reflection.Emit;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// Writes a plugin assembly with one activation marked <c>[ScratchNetLayer(name)]</c> whose methods do nothing: enough for
/// registration, which reads the marks and never runs the operation. Emitted rather than compiled, so that a plugin the
/// command must refuse (a built-in name) costs no project of its own.
/// </summary>
internal static class EmittedPlugin
{
    public static void Write(string path, string kindName)
    {
        string assemblyName = Path.GetFileNameWithoutExtension(path);
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(assemblyName), typeof(object).Assembly);
        TypeBuilder type = assembly.DefineDynamicModule(assemblyName)
            .DefineType("Emitted.MarkedActivation", TypeAttributes.Public | TypeAttributes.Sealed, typeof(Activation));
        type.SetCustomAttribute(new CustomAttributeBuilder(typeof(ScratchNetLayerAttribute).GetConstructor([typeof(string)])!, [kindName]));
        ConstructorInfo baseConstructor = typeof(Activation).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, Type.EmptyTypes)!;
        ILGenerator constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes).GetILGenerator();
        constructor.Emit(OpCodes.Ldarg_0);
        constructor.Emit(OpCodes.Call, baseConstructor);
        constructor.Emit(OpCodes.Ret);
        foreach (string name in (string[])["Apply", "Differentiate"])
        {
            MethodInfo abstractMethod = typeof(Activation).GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic)!;
            MethodBuilder method = type.DefineMethod(name, MethodAttributes.Family | MethodAttributes.Virtual | MethodAttributes.HideBySig,
                abstractMethod.ReturnType, abstractMethod.GetParameters().Select(p => p.ParameterType).ToArray());
            method.GetILGenerator().Emit(OpCodes.Ret);
            type.DefineMethodOverride(method, abstractMethod);
        }
        type.CreateType();
        assembly.Save(path);
    }
}
