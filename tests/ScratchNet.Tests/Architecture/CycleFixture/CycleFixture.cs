// Two namespaces that use each other only through a fully qualified call and a field: no `using` line shows the
// cycle, so DependencyDirectionTests can prove that NamespaceDependencies still finds it.
namespace ScratchNet.Tests.Architecture.CycleFixture.Lower
{
    internal sealed class Store
    {
        // Lower → Upper, the way NeuralNetwork.Save once called Serialization.ModelFile.Save.
        public static int Save(int value) => Upper.Writer.Write(value);
    }
}

namespace ScratchNet.Tests.Architecture.CycleFixture.Upper
{
    internal static class Writer
    {
        // Upper → Lower through a field's type.
        private static readonly Lower.Store[] Unused = [];

        public static int Write(int value) => value + Unused.Length;
    }
}
