using Actors.Testing.Linearizability;

namespace Actors.Core.Tests.Paxos.Simulation;

/// <summary>Checks a simulated client history with the linearizability checker.</summary>
public static class SimChecks
{
    public static IEnumerable<string> Linearizability(SimReport report)
    {
        var result = LinearizabilityChecker.Check(report.History);
        return result.IsLinearizable ? [] : [$"linearizability: {result.Explanation}"];
    }
}
