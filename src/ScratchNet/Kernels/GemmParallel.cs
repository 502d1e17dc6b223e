namespace ScratchNet.Kernels;

/// <summary>
/// Splits C into disjoint blocks among the workers of a <see cref="ComputeContext"/>: contiguous
/// ranges of whole tiles along whichever of m or n has more tiles.
/// </summary>
/// <remarks>
/// The work description lives in a per-thread job object whose delegate is created once, and
/// <see cref="ComputeContext.For(int, RangeBody)"/> queues preallocated work items, so a call allocates nothing.
/// </remarks>
internal static unsafe class GemmParallel
{
    [ThreadStatic] private static Job? t_job;

    public static void Run(ComputeContext context, GemmKernelKind kind, in GemmArgs g)
    {
        // Take the job out of the slot while in use, so that a nested call could never share it.
        Job job = t_job ?? new Job();
        t_job = null;
        try
        {
            var (mr, nr) = Gemm.TileOf(kind);
            int mTiles = (g.M + mr - 1) / mr, nTiles = (g.N + nr - 1) / nr;
            job.Set(kind, g, splitColumns: nTiles >= mTiles, mr, nr);
            context.For(job.SplitColumns ? nTiles : mTiles, job.Body);
        }
        finally
        {
            job.Clear();
            t_job = job;
        }
    }

    private sealed class Job
    {
        private GemmArgs _args;
        private GemmKernelKind _kind;
        private int _mr, _nr;

        public Job() => Body = Execute;

        public RangeBody Body { get; }

        public bool SplitColumns { get; private set; }

        public void Set(GemmKernelKind kind, in GemmArgs g, bool splitColumns, int mr, int nr)
        {
            _kind = kind;
            _args = g;
            SplitColumns = splitColumns;
            _mr = mr;
            _nr = nr;
        }

        // Drops the pointers so a cached job never refers to memory that is no longer pinned.
        public void Clear() => _args = default;

        private void Execute(int worker, int start, int end)
        {
            if (SplitColumns)
                Gemm.Run(_kind, _args, 0, _args.M, start * _nr, Math.Min(_args.N, end * _nr));
            else
                Gemm.Run(_kind, _args, start * _mr, Math.Min(_args.M, end * _mr), 0, _args.N);
        }
    }
}
