namespace Actors.Chaos;

/// <summary>
/// Injects one fault at a time on a schedule drawn from <c>System.Random(seed)</c>: a calm of 2 to 4 s, a fault held
/// for 3 to 6 s, then a full heal (killed nodes restarted, paused nodes resumed, <c>faults heal</c> everywhere).
/// The first two faults are always a leader kill and a majority/minority partition, so every run has both.
/// Only one node is ever killed or paused at a time, which is a minority for three or more nodes.
/// </summary>
public sealed class Nemesis(ClusterControl cluster, int seed)
{
    private static readonly FaultKind[] Kinds = Enum.GetValues<FaultKind>();
    private readonly List<FaultRecord> _faults = [];

    /// <summary>The faults injected so far.</summary>
    public IReadOnlyList<FaultRecord> Faults => _faults;

    /// <summary>
    /// Injects faults until <paramref name="until"/> (no fault starts when it could not be healed by then) or
    /// until <paramref name="abort"/> fires; always leaves the cluster healed.
    /// </summary>
    public async Task Run(DateTime until, CancellationToken abort)
    {
        var random = new Random(seed);
        var forced = new Queue<FaultKind>([FaultKind.KillLeader, FaultKind.Partition]);
        try
        {
            while (!abort.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2 + 2 * random.NextDouble()), abort);
                var kind = forced.Count > 0 ? forced.Dequeue() : Kinds[random.Next(Kinds.Length)];
                var hold = TimeSpan.FromSeconds(3 + 3 * random.NextDouble());
                // Every parameter is drawn whatever the kind, so the schedule depends on the seed alone.
                var order = Enumerable.Range(1, cluster.Nodes).OrderBy(_ => random.Next()).ToArray();
                var minority = 1 + random.Next((cluster.Nodes - 1) / 2);
                var subset = 2 + random.Next(cluster.Nodes - 1);
                var delayMs = random.Next(50, 301);
                var dropP = Math.Round(0.1 + 0.3 * random.NextDouble(), 2);
                if (DateTime.UtcNow + hold + TimeSpan.FromSeconds(2) > until) break;

                var injected = Clock.Now;
                var description = await Inject(kind, order, minority, subset, delayMs, dropP);
                Console.WriteLine($"{Clock.Stamp} fault #{_faults.Count + 1} {kind}: {description} (for {hold.TotalSeconds:0.0}s)");
                try
                {
                    await Task.Delay(hold, abort);
                }
                finally
                {
                    await Heal();
                    _faults.Add(new FaultRecord(_faults.Count + 1, kind, description, injected, Clock.Now));
                    Console.WriteLine($"{Clock.Stamp} healed #{_faults.Count}");
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
    }

    /// <summary>Restarts killed nodes, resumes paused ones and clears every link fault.</summary>
    public async Task Heal()
    {
        await cluster.ReviveAll();
        var unhealed = await cluster.HealLinks();
        if (unhealed.Count > 0)
            throw new InvalidOperationException($"faults heal not confirmed by node(s) {string.Join(',', unhealed)}");
    }

    private async Task<string> Inject(FaultKind kind, int[] order, int minority, int subset, int delayMs, double dropP)
    {
        switch (kind)
        {
            case FaultKind.KillNode:
            case FaultKind.KillLeader:
            {
                var node = kind == FaultKind.KillLeader ? await LeaderOr(order[0]) : order[0];
                await cluster.Kill(node);
                return $"kill -9 node {node}";
            }
            case FaultKind.PauseNode:
            case FaultKind.PauseLeader:
            {
                var node = kind == FaultKind.PauseLeader ? await LeaderOr(order[0]) : order[0];
                cluster.Pause(node);
                return $"SIGSTOP node {node}";
            }
            case FaultKind.Partition:
            {
                var small = order.Take(minority).ToArray();
                await Partition(small, order.Except(small).ToArray());
                return $"partition {Ids(small)} | {Ids(order.Except(small))}";
            }
            case FaultKind.IsolateLeader:
            {
                var leader = await LeaderOr(order[0]);
                var rest = order.Where(n => n != leader).ToArray();
                await Partition([leader], rest);
                return $"isolate leader {leader} | {Ids(rest)}";
            }
            case FaultKind.Bridge:
            {
                var bridge = order[0];
                var rest = order[1..];
                var a = rest.Take(rest.Length / 2).ToArray();
                var b = rest.Skip(rest.Length / 2).ToArray();
                await Partition(a, b);
                return $"bridge {bridge} between {Ids(a)} and {Ids(b)}";
            }
            case FaultKind.SlowLinks:
            {
                var chosen = order.Take(subset).ToArray();
                foreach (var n in chosen) await cluster.Faults(n, "delay", Ids(chosen.Where(o => o != n)), delayMs.ToString());
                return $"delay {delayMs} ms among {Ids(chosen)}";
            }
            case FaultKind.LossyLinks:
            {
                var chosen = order.Take(subset).ToArray();
                var p = dropP.ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var n in chosen) await cluster.Faults(n, "drop", Ids(chosen.Where(o => o != n)), p);
                return $"drop {p} among {Ids(chosen)}";
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private async Task Partition(int[] left, int[] right)
    {
        foreach (var n in left) await cluster.Faults(n, "block", Ids(right));
        foreach (var n in right) await cluster.Faults(n, "block", Ids(left));
    }

    private async Task<int> LeaderOr(int fallback) => await cluster.Leader() ?? fallback;

    private static string Ids(IEnumerable<int> ids) => string.Join(',', ids);
}
