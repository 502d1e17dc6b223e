using ScratchNet.Tests.Architecture.CycleFixture.Lower;

namespace ScratchNet.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/architecture.md, checked on the compiled library (every type, field, signature and
/// IL token, so a fully qualified call counts as much as a <c>using</c>): no two folders use each other, directly or
/// round a longer loop, and the chain Serialization → Training → Layers → Operations → Kernels → Tensors only points right.
/// </summary>
public sealed class DependencyDirectionTests
{
    private static readonly IReadOnlyList<NamespaceDependencies.Edge> Library =
        NamespaceDependencies.Edges(typeof(Tensor).Assembly, "ScratchNet");

    // Left to right: a folder may use those to its right, never those to its left. "(root)" is the namespace of
    // Tensor (the Tensors folder) and PlainText.
    private static readonly string[] Chain = ["Serialization", "Training", "Layers", "Operations", "Kernels", "(root)"];

    [Fact]
    public void No_two_library_folders_use_each_other()
    {
        IReadOnlyList<string>? cycle = NamespaceDependencies.FindCycle(Library);
        Assert.True(cycle is null, cycle is null ? "" : $"The folders {string.Join(" → ", cycle)} form a cycle: "
            + string.Join("; ", cycle.Zip(cycle.Skip(1)).Select(p => Library.First(e => e.From == p.First && e.To == p.Second).Example)));
    }

    [Fact]
    public void The_layering_chain_only_points_right()
    {
        var backwards = Library.Where(e => Array.IndexOf(Chain, e.From) is >= 0 and var from
                                           && Array.IndexOf(Chain, e.To) is >= 0 and var to && to < from).ToList();
        Assert.True(backwards.Count == 0, "Dependencies against the chain: " + string.Join("; ", backwards.Select(e => $"{e.From} → {e.To}: {e.Example}")));
    }

    [Fact]
    public void Serialization_uses_Training_and_not_the_other_way()
    {
        // The direction docs/architecture.md gives: a model file is written from, and read into, a NeuralNetwork.
        Assert.Contains(Library, e => e is { From: "Serialization", To: "Training" });
        Assert.DoesNotContain(Library, e => e is { From: "Training", To: "Serialization" });
    }

    [Fact]
    public void A_cycle_made_of_a_fully_qualified_call_and_a_field_is_found()
    {
        // The fixture's two namespaces use each other without a `using` line; the scanner must still see both edges.
        var edges = NamespaceDependencies.Edges(typeof(Store).Assembly, "ScratchNet.Tests.Architecture.CycleFixture");
        Assert.Contains(edges, e => e is { From: "Lower", To: "Upper" } && e.Example.Contains("Store.Save", StringComparison.Ordinal));
        Assert.Contains(edges, e => e is { From: "Upper", To: "Lower" } && e.Example.Contains("Writer.Unused", StringComparison.Ordinal));
        Assert.Equal(["Lower", "Upper", "Lower"], NamespaceDependencies.FindCycle(edges));
    }

    [Fact]
    public void A_chain_without_a_loop_has_no_cycle()
    {
        NamespaceDependencies.Edge[] edges = [new("A", "B", ""), new("B", "C", ""), new("A", "C", "")];
        Assert.Null(NamespaceDependencies.FindCycle(edges));
        Assert.Equal(["B", "C", "B"], NamespaceDependencies.FindCycle([.. edges, new("C", "B", "")]));
    }
}
