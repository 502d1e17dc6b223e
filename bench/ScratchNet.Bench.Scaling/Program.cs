using ScratchNet.Bench.Scaling;

// dotnet run -c Release --project bench/ScratchNet.Bench.Scaling [-- --batches N --warmup N --models a,b]
//   runs each configuration in its own process(es) and prints one table.
// dotnet run -c Release --project bench/ScratchNet.Bench.Scaling -- cost-model [--step-ms fashion-cnn=X,fashion-resnet=Y]
//   prints the cost model of N = 2..64 machines (docs/distributed.md).
// --worker ... is how the program starts itself (alone or under mpirun) for one measurement.
var arguments = BenchArguments.Parse(args);
return arguments.Mode switch
{
    "cost-model" => CostModel.Print(arguments),
    "worker" => ScalingWorker.Run(arguments),
    _ => ScalingTable.Run(arguments),
};
