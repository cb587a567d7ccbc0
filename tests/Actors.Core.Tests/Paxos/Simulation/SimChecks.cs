using Actors.Core.Linearizability;

namespace Actors.Core.Tests.Paxos.Simulation;

/// <summary>Checks a simulated client history with the linearizability checker.</summary>
public static class SimChecks
{
    public static KvOperation ToOperation(SimOp op) => new(
        op.Client,
        op.Kind switch
        {
            "put" => KvOpKind.Put,
            "get" => KvOpKind.Get,
            "cas" => KvOpKind.Cas,
            _ => KvOpKind.Delete,
        },
        op.Key,
        op.Value,
        op.Expected,
        op.Invoke,
        op.Complete,
        op.Outcome switch
        {
            SimOutcome.Ok => KvOutcome.Ok,
            SimOutcome.Failed => KvOutcome.Failed,
            _ => KvOutcome.Indeterminate,
        },
        op.Output,
        op.Swapped);

    public static IEnumerable<string> Linearizability(SimReport report)
    {
        var result = LinearizabilityChecker.Check(report.History.Select(ToOperation));
        return result.IsLinearizable ? [] : [$"linearizability: {result.Explanation}"];
    }
}
