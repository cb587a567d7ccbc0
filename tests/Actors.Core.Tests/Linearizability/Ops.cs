using Actors.Testing.Linearizability;

namespace Actors.Core.Tests.Linearizability;

/// <summary>Terse constructors for hand-written histories; the key defaults to "k".</summary>
internal static class Ops
{
    public static KvOperation Put(int client, string value, long invoke, long complete, string key = "k") =>
        new(client, KvOpKind.Put, key, value, null, invoke, complete, KvOutcome.Ok, null, false);

    public static KvOperation Get(int client, string? output, long invoke, long complete, string key = "k") =>
        new(client, KvOpKind.Get, key, null, null, invoke, complete, KvOutcome.Ok, output, false);

    public static KvOperation Cas(
        int client, string? expected, string value, bool swapped, long invoke, long complete, string key = "k") =>
        new(client, KvOpKind.Cas, key, value, expected, invoke, complete, KvOutcome.Ok, null, swapped);

    public static KvOperation Delete(int client, long invoke, long complete, string key = "k") =>
        new(client, KvOpKind.Delete, key, null, null, invoke, complete, KvOutcome.Ok, null, false);

    public static KvOperation TimedOut(KvOperation op) =>
        op with { Outcome = KvOutcome.Indeterminate, Output = null, Swapped = false };

    public static KvOperation Failed(KvOperation op) => op with { Outcome = KvOutcome.Failed };
}
