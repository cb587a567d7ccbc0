namespace Actors.Core.Tests.Paxos.Simulation;

public static class SimChecks
{
    public static IEnumerable<string> Linearizability(SimReport report) => [];
}
