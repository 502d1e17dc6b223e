namespace ScratchNet.Data;

/// <summary>
/// Splits labelled items into training and test indices class by class, so that each class keeps its share: of a
/// class of n items, round(n · fraction) go to the test side, but at least one stays on each side when n ≥ 2.
/// Seeded: the same labels, fraction and seed give the same split.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>The indices of the training and test items, each in ascending order.</summary>
    /// <param name="labels">The class index of every item.</param>
    /// <param name="testFraction">The share of each class that goes to the test side, strictly between 0 and 1.</param>
    /// <param name="seed">Seeds the shuffle that picks the test items.</param>
    public static (int[] Train, int[] Test) Indices(IReadOnlyList<int> labels, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie strictly between 0 and 1.");
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var members)) byClass[labels[i]] = members = [];
            members.Add(i);
        }
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (List<int> members in byClass.Values)
        {
            int[] order = members.ToArray();
            random.Shuffle(order);
            int held = (int)Math.Round(order.Length * testFraction, MidpointRounding.AwayFromZero);
            if (order.Length >= 2) held = Math.Clamp(held, 1, order.Length - 1);
            test.AddRange(order[..held]);
            train.AddRange(order[held..]);
        }
        train.Sort();
        test.Sort();
        return (train.ToArray(), test.ToArray());
    }

    /// <summary>Splits <paramref name="source"/> with <see cref="Indices"/> into two views of it.</summary>
    public static (IImageSource Train, IImageSource Test) Split(IImageSource source, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (train, test) = Indices(source.Labels, testFraction, seed);
        return (new ImageSourceSubset(source, train), new ImageSourceSubset(source, test));
    }
}
