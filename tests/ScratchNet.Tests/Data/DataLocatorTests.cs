using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

public sealed class DataLocatorTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _explicit, _fromEnvironment, _default;

    public DataLocatorTests()
    {
        _explicit = DataFolder("explicit");
        _fromEnvironment = DataFolder("environment");
        _default = DataFolder("default");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Locate_ExplicitFolder_WinsOverEnvironmentAndDefault()
    {
        Assert.Equal(_explicit, DataLocator.Locate(_explicit, Environment(_fromEnvironment), _default));
    }

    [Fact]
    public void Locate_NoExplicitFolder_UsesEnvironmentOverDefault()
    {
        Assert.Equal(_fromEnvironment, DataLocator.Locate(null, Environment(_fromEnvironment), _default));
    }

    [Fact]
    public void Locate_NothingChosen_UsesDefault()
    {
        Assert.Equal(_default, DataLocator.Locate(null, Environment(null), _default));
        Assert.Equal(_default, DataLocator.Locate("", Environment(""), _default));
    }

    [Fact]
    public void Locate_MissingExplicitFolder_ReportedEvenWhenOthersExist()
    {
        string missing = _temp.File("no-such-folder");

        var e = Assert.Throws<DataNotFoundException>(() => DataLocator.Locate(missing, Environment(_fromEnvironment), _default));

        Assert.Contains($"Data folder '{missing}' (given with --data) does not exist", e.Message);
    }

    [Fact]
    public void Locate_IncompleteEnvironmentFolder_ListsMissingFiles()
    {
        string incomplete = _temp.Folder("incomplete");
        IdxDatasetLoaderTests.WriteFolder(incomplete, 2, 2);
        File.Delete(Path.Combine(incomplete, "t10k-labels-idx1-ubyte"));

        var e = Assert.Throws<DataNotFoundException>(() => DataLocator.Locate(null, Environment(incomplete), _default));

        Assert.Contains("SCRATCHNET_DATA", e.Message);
        Assert.Contains("lacks t10k-labels-idx1-ubyte.", e.Message);
    }

    [Fact]
    public void Locate_NothingFound_SaysWhereItLookedAndHowToGetData()
    {
        string missingDefault = _temp.File("no-default");

        var e = Assert.Throws<DataNotFoundException>(() => DataLocator.Locate(null, Environment(null), missingDefault));

        Assert.Contains(missingDefault, e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data", e.Message);
        Assert.Contains("SCRATCHNET_DATA", e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void SearchOrder_ListsCandidatesInOrderWithWhatTheyHold()
    {
        string missing = _temp.File("no-such-folder");

        var candidates = DataLocator.SearchOrder(missing, Environment(_fromEnvironment), _default);

        Assert.Equal([missing, _fromEnvironment, _default], candidates.Select(c => c.Directory));
        Assert.Equal(["--data", "SCRATCHNET_DATA", "default"], candidates.Select(c => c.Source));
        Assert.Equal([false, true, true], candidates.Select(c => c.Exists));
        Assert.Equal([false, true, true], candidates.Select(c => c.IsComplete));
    }

    [Fact]
    public void SearchOrder_PublicOverload_ReadsTheInjectedVariable()
    {
        string? asked = null;
        var candidates = DataLocator.SearchOrder(null, name => { asked = name; return _fromEnvironment; });

        Assert.Equal("SCRATCHNET_DATA", asked);
        Assert.Equal(_fromEnvironment, candidates[0].Directory);
        Assert.Equal(DataLocator.DefaultDirectory, candidates[^1].Directory);
    }

    private string DataFolder(string name)
    {
        string folder = _temp.Folder(name);
        IdxDatasetLoaderTests.WriteFolder(folder, 2, 2);
        return folder;
    }

    private static Func<string, string?> Environment(string? value) =>
        name => name == DataLocator.EnvironmentVariable ? value : null;
}
