namespace ScratchNet.Operations;

/// <summary>
/// A stochastic operation whose draws are tied to each sample's place in the batch (dropout's mask: element i of the
/// batch takes draw i of the step's stream). In data-parallel training a worker that runs rows [start, …) of the
/// global batch says so here, and draws for those rows exactly what one process running the whole batch would.
/// </summary>
public interface IBatchSliced
{
    /// <summary>The row of the global batch that row 0 of the next training forward pass is; 0 (the default) for a whole batch.</summary>
    int FirstRow { get; set; }
}
