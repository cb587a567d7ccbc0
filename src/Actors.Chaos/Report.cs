using System.Diagnostics;
using System.Globalization;
using System.Text;
using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>What the hostile parts of a run saw, besides the history and the counters.</summary>
/// <param name="Floods">Each flood of a cut-off leader.</param>
/// <param name="ForeignWrites">Foreign nodes that wrote key k0 in a log of their own (the history check shows no replica learned it).</param>
/// <param name="SnapshotInstalls">Snapshots replicas installed to catch up, from the nodes' logs.</param>
/// <param name="SessionExpiredReplies">Replies that refused a client's request as issued before its session expired.</param>
/// <param name="Reissues">Writes the clients issued again after such a refusal.</param>
/// <param name="SharedIdRejected">Requests of the two senders that share a client id refused because the other had used their pair.</param>
public sealed record HostileFacts(IReadOnlyList<FloodOutcome> Floods, int ForeignWrites, int SnapshotInstalls, long SessionExpiredReplies,
    long Reissues, int SharedIdRejected)
{
    /// <summary>A flood found a node holding more than max-pending commands.</summary>
    public bool Unbounded => Floods.Any(f => f.Unbounded);
}

/// <summary>Builds the human-readable summary of a run.</summary>
public static class Report
{
    /// <summary>The summary text: operations, faults, recovery times, checker verdict and the final result line.</summary>
    public static string Summary(ChaosOptions options, IReadOnlyList<KvOperation> history, IReadOnlyList<FaultRecord> faults,
        CheckResult check, TimeSpan checkTime, IReadOnlyList<KvOperation> lost, bool violation, int revived = 0, int notBack = 0,
        IReadOnlyList<Actors.Testing.Counters.CounterAddRecord>? counterAdds = null, IReadOnlyList<Actors.Testing.Counters.CounterVerdict>? counters = null,
        (int Count, double Minutes)? elections = null, HostileFacts? hostile = null)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"chaos run: seed {options.Seed}, {options.Nodes} nodes, {options.Clients} clients, {options.Keys} keys, {options.Duration.TotalSeconds:0} s, configuration {options.Configuration}");
        sb.AppendLine(ci, $"replay: scripts/chaos.sh --nodes {options.Nodes} --seconds {options.Duration.TotalSeconds:0} --seed {options.Seed} --clients {options.Clients} --keys {options.Keys} --counters {options.Counters} --configuration {options.Configuration}{(options.SessionTtlSeconds > 0 ? $" --session-ttl {options.SessionTtlSeconds}" : "")}" +
                          $" --max-pending {options.MaxPending} --snapshot-every {options.SnapshotEvery} --snapshot-chunk-bytes {options.SnapshotChunkBytes}" +
                          $"{(options.Faults is { } only ? " --faults " + string.Join(',', only.Order()) : "")}");
        sb.AppendLine();
        sb.AppendLine(ci, $"operations: {history.Count}");
        sb.AppendLine("  kind   ok        failed    indeterminate");
        foreach (var kind in history.Select(o => o.Kind).Distinct().Order())
        {
            var ops = history.Where(o => o.Kind == kind).ToList();
            var extra = kind == KvOpKind.Cas ? $"   (swapped {ops.Count(o => o.Outcome == KvOutcome.Ok && o.Swapped)})" : "";
            sb.AppendLine(ci, $"  {kind.ToString().ToLowerInvariant(),-6} {ops.Count(o => o.Outcome == KvOutcome.Ok),-9} {ops.Count(o => o.Outcome == KvOutcome.Failed),-9} {ops.Count(o => o.Outcome == KvOutcome.Indeterminate)}{extra}");
        }
        sb.AppendLine();
        sb.AppendLine(ci, $"faults by type: {faults.Count} in all");
        foreach (var group in faults.GroupBy(f => f.Kind).OrderBy(g => g.Key))
            sb.AppendLine(ci, $"  {group.Key}: {group.Count()}");
        sb.AppendLine(ci, $"nodes downed by the cluster and started again: {revived}");
        if (notBack > 0) sb.AppendLine(ci, $"restarts not Up when the run ended: {notBack} (see the warnings above)");
        if (elections is { Minutes: > 0 } e)
            sb.AppendLine(ci, $"leader changes: {e.Count} elections won in {e.Minutes:0.0} min ({e.Count / e.Minutes:0.0} per minute), from the nodes' logs");
        if (hostile is not null)
        {
            sb.AppendLine(ci, $"snapshots installed by catching-up replicas: {hostile.SnapshotInstalls} (snapshot every {options.SnapshotEvery} slots, sent in pieces of {options.SnapshotChunkBytes} bytes)");
            sb.AppendLine(ci, $"sessions expired: {hostile.SessionExpiredReplies} requests refused as issued before their session expired; {hostile.Reissues} issued again, {hostile.SessionExpiredReplies - hostile.Reissues} given up");
            sb.AppendLine(ci, $"shared client id: {hostile.SharedIdRejected} requests refused because the other sender had used their (client id, seq) for another command");
            sb.AppendLine(ci, $"foreign nodes: {hostile.ForeignWrites} wrote k0 in a log of their own beside the cluster (none reached by its clients: no read of their value)");
            sb.AppendLine(ci, $"floods of a cut-off leader: {hostile.Floods.Count}{(hostile.Unbounded ? ", UNBOUNDED: a node held more than max-pending" : "")} " +
                              $"(each a node's in-flight room, {ClusterControl.InFlightCapacity} commands, plus 1.5 × max-pending)");
            foreach (var f in hostile.Floods)
                sb.AppendLine(ci, $"  node {f.Node}: {f.Sent} writes, {f.Overloaded} refused as overloaded, {f.Answered} answered in the hold, at most {f.MostHeld?.ToString(ci) ?? "?"} held (max-pending {f.MaxPending}){(f.Unbounded ? "  UNBOUNDED" : "")}");
        }
        sb.AppendLine();

        var recoveries = faults.Select(f => (Fault: f, Seconds: Recovery.After(f, history))).ToList();
        var known = recoveries.Where(r => r.Seconds is not null).Select(r => r.Seconds!.Value).Order().ToList();
        sb.AppendLine(known.Count == 0
            ? "recovery after heal (first Ok write): none measured"
            : string.Create(ci, $"recovery after heal (first Ok write): min {known[0]:0.000} s, median {known[known.Count / 2]:0.000} s, max {known[^1]:0.000} s"));
        foreach (var (f, s) in recoveries)
            sb.AppendLine(ci, $"  #{f.Number,-3} at {Clock.ToSeconds(f.Injected),6:0.0}s  {f.Kind,-13} {f.Description,-36} held {Clock.ToSeconds(f.Healed - f.Injected),5:0.0}s  recovery {(s is { } v ? v.ToString("0.000", ci) + " s" : "none")}");
        sb.AppendLine();

        sb.AppendLine(ci, $"linearizability: {(check.IsLinearizable ? "linearizable" : "NOT linearizable")} ({check.StatesExplored} states, {checkTime.TotalMilliseconds:0} ms)");
        if (!check.IsLinearizable) sb.AppendLine(ci, $"  key {check.FailingKey}: {check.Explanation}");
        sb.AppendLine(ci, $"acknowledged writes: {AcknowledgedWrites.Count(history)} checked, {lost.Count} lost");
        foreach (var w in lost.Take(10)) sb.AppendLine(ci, $"  lost: client {w.ClientId} {w.Kind} {w.Key} = {w.Value ?? "<missing>"} at {Clock.ToSeconds(w.Invoke):0.000}..{Clock.ToSeconds(w.Complete):0.000}s");
        if (counterAdds is not null && counters is not null && counters.Count > 0)
        {
            sb.AppendLine(ci, $"counter adds: {counterAdds.Count} ({counterAdds.Count(a => a.Outcome == KvOutcome.Ok)} acknowledged, " +
                              $"{counterAdds.Count(a => a.Outcome == KvOutcome.Failed)} refused, {counterAdds.Count(a => a.Outcome == KvOutcome.Indeterminate)} unanswered)");
            var bad = counters.Where(v => v.Problem is not null).ToList();
            sb.AppendLine(ci, $"counters: {counters.Count} checked, {bad.Count} miscounted " +
                              $"(each final value = its acknowledged adds once + some of its unanswered ones)");
            // When each counter first answered an add: a shard that never became available shows here from the start.
            var first = counterAdds.Where(a => a.Outcome == KvOutcome.Ok).GroupBy(a => a.Counter)
                .ToDictionary(g => g.Key, g => Clock.ToSeconds(g.Min(a => a.CompletedAt)));
            var begun = counterAdds.Count > 0 ? Clock.ToSeconds(counterAdds.Min(a => a.CompletedAt)) : 0;
            foreach (var v in counters)
            {
                var at = first.TryGetValue(v.Counter, out var s) ? string.Create(ci, $", first acknowledged add at {s:0.0}s") : ", no add acknowledged";
                sb.AppendLine(ci, $"  {v.Counter}: final {v.Final}, acknowledged {v.Acknowledged}, unanswered {v.Indeterminate}{at}{(v.Problem is { } p ? "  MISCOUNTED: " + p : "")}");
            }
            if (first.Count > 0)
                sb.AppendLine(ci, $"  first answer to any add at {begun:0.0}s; the last counter to acknowledge its first add did at {first.Values.Max():0.0}s");
        }
        sb.AppendLine();
        sb.AppendLine(violation
            ? "RESULT: VIOLATION (linearizability violation, lost acknowledged write, miscounted counter or unbounded queue)"
            : "RESULT: OK (no violation found)");
        return sb.ToString();
    }

    /// <summary>Times <paramref name="check"/>.</summary>
    public static (T Result, TimeSpan Elapsed) Timed<T>(Func<T> check)
    {
        var sw = Stopwatch.StartNew();
        var result = check();
        return (result, sw.Elapsed);
    }
}
