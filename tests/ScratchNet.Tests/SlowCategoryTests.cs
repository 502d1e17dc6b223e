using System.Reflection;
using ScratchNet.Tests.Cli;
using ScratchNet.Tests.Data;
using ScratchNet.Tests.Distributed;
using ScratchNet.Tests.Onnx;
using ScratchNet.Tests.Packaging;
using ScratchNet.Tests.Training;

namespace ScratchNet.Tests;

/// <summary>
/// The "Slow" category that <c>dotnet test -c Release --filter "Category!=Slow"</c> leaves out: packaging and the docs'
/// examples (they build and run programs), training on the real Fashion-MNIST, the command run end to end, and any test
/// over about two seconds. These tests keep the tag honest where a mistake would go unnoticed: a misspelt category is
/// silently not filtered, and a slow class that lost its tag makes the quick run slow.
/// </summary>
public class SlowCategoryTests
{
    private const string Category = "Category", Slow = "Slow";

    /// <summary>Classes slow as a whole: every test in them builds a program, trains on real data or runs a training command (MPI: under mpirun).</summary>
    public static readonly TheoryData<Type> SlowClasses =
    [
        typeof(DocsExampleTests), typeof(ReadmeExampleTests), typeof(PackageTests), typeof(CompositeCommandTests), typeof(ResumeTests),
        typeof(FashionMnistTests), typeof(FashionMnistLayoutsTests), typeof(SeedCnnRealDataTests), typeof(TrainedFashionCnnOnnxTests),
        typeof(MpiTrainTests),
    ];

    [Theory]
    [MemberData(nameof(SlowClasses))]
    public void Known_slow_classes_carry_the_slow_category(Type testClass) =>
        Assert.Contains((Category, Slow), Traits(testClass));

    [Fact]
    public void Every_category_is_spelled_Slow_and_it_leaves_most_tests_in_the_quick_run()
    {
        Type[] classes = typeof(SlowCategoryTests).Assembly.GetTypes().Where(t => t.GetMethods().Any(IsTest)).ToArray();
        var categories = classes.SelectMany(Traits)
            .Concat(classes.SelectMany(t => t.GetMethods()).Where(IsTest).SelectMany(Traits))
            .Where(trait => trait.Name == Category).Select(trait => trait.Value).Distinct().ToArray();
        Assert.Equal([Slow], categories);

        int tests = 0, slow = 0;
        foreach (Type testClass in classes)
        {
            bool wholeClass = Traits(testClass).Contains((Category, Slow));
            foreach (MethodInfo method in testClass.GetMethods().Where(IsTest))
            {
                tests++;
                if (wholeClass || Traits(method).Contains((Category, Slow))) slow++;
            }
        }
        Assert.InRange(slow, 1, tests / 5);
    }

    private static bool IsTest(MethodInfo method) => method.IsDefined(typeof(FactAttribute), inherit: true);

    // The (name, value) pairs of the [Trait] attributes on a class or method, as written in the source.
    private static IEnumerable<(string Name, string Value)> Traits(MemberInfo member) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType == typeof(TraitAttribute))
            .Select(a => ((string)a.ConstructorArguments[0].Value!, (string)a.ConstructorArguments[1].Value!));
}
