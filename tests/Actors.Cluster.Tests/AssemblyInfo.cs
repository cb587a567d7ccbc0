using Xunit;

// Each class runs a cluster of real processes; on a small machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
