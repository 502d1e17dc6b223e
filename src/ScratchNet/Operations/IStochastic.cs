namespace ScratchNet.Operations;

/// <summary>
/// An operation that draws random numbers in training (dropout). The trainer reseeds it at the start
/// of every epoch from the run's seed and the epoch number, so an epoch's randomness does not depend on
/// what came before it: a run resumed from a checkpoint repeats exactly what the uninterrupted run did.
/// </summary>
public interface IStochastic
{
    /// <summary>Restarts the operation's random numbers from <paramref name="seed"/>.</summary>
    void Reseed(int seed);

    /// <summary>Advances the random numbers as <paramref name="batches"/> training forward passes would (to resume mid-epoch).</summary>
    void Skip(int batches);
}
