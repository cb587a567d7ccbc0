using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>Recovery time after a heal: until the first write by any client that completes Ok after it.</summary>
public static class Recovery
{
    /// <summary>Seconds from <paramref name="fault"/>'s heal to the next Ok write's completion, or null when none followed.</summary>
    public static double? After(FaultRecord fault, IReadOnlyList<KvOperation> history)
    {
        long? first = null;
        foreach (var o in history)
        {
            if (o.Outcome != KvOutcome.Ok || o.Kind == KvOpKind.Get || o.Complete < fault.Healed) continue;
            if (first is null || o.Complete < first) first = o.Complete;
        }
        return first is { } t ? Clock.ToSeconds(t - fault.Healed) : null;
    }
}
