using System.Globalization;
using System.Text;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Core.Log;
using Actors.Core.Ring;
using Actors.Runtime.Cmd;
using Actors.Runtime.Ring;
using Akka.Actor;

namespace Actors.Runtime.Palettes;

/// <summary>
/// <c>ring show|lookup|drain|weight</c>: the consistent hash ring as agreed through the log. <c>show</c> and <c>lookup</c>
/// read this node's ring (every node has the same one after the same slot); <c>drain</c> and <c>weight</c> put an
/// operation through the log and print how it was applied.
/// </summary>
public sealed class RingPalette : CommandPalette
{
    private readonly IActorRef _ring;
    private readonly IActorRef _kv;
    private readonly TimeSpan _timeout;
    private readonly int _shards;

    /// <summary><paramref name="shards"/>: shards of every sharded entity type (<c>actors.sharding.number-of-shards</c>), which <c>show</c> counts per member.</summary>
    public RingPalette(IActorRef ring, IActorRef kv, TimeSpan timeout, int shards) : base("ring", "The consistent hash ring agreed through the log.")
    {
        _ring = ring;
        _kv = kv;
        _timeout = timeout;
        _shards = shards;
        Register(new CommandSpec("show", "", "Version (the slot of the last change) and each member: address, weight, status, virtual nodes, share of the ring, shards owned."), Show);
        Register(new CommandSpec("lookup", "KEY", "The member that owns KEY, and its address."), Lookup);
        Register(new CommandSpec("drain", "NODE", "NODE keeps its membership but owns nothing from now on; what it held moves along the ring."), Drain);
        Register(new CommandSpec("weight", "NODE WEIGHT", "Sets NODE's weight (above 0, at most 100): it owns about that share of the ring."), Weight);
    }

    private async Task<RingState?> Current(CancellationToken ct)
    {
        try
        {
            return await _ring.Ask<RingState>(GetRing.Instance, TimeSpan.FromSeconds(5), ct);
        }
        catch (Exception e) when (e is AskTimeoutException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<CommandResponse> Show(CommandContext ctx, CancellationToken ct)
    {
        if (await Current(ct) is not { } state) return ctx.Error("the ring is not known yet (the node is starting)");
        var shares = Shares(state.Ring);
        var owned = ShardPlacement.ShardsOwned(state, _shards);
        var rows = state.Members.Select(m => new
        {
            node = m.Node,
            address = m.Address,
            weight = m.Weight,
            status = m.Status.ToString().ToLowerInvariant(),
            vnodes = state.Ring.Points().Count(p => p.Owner == m.Node),
            share = shares.GetValueOrDefault(m.Node),
            shards = owned.GetValueOrDefault(m.Node),
        }).ToList();
        if (ctx.Json) return ctx.Ok(JsonSerializer.Serialize(new { version = state.Version, members = rows }) + "\n");

        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(c, $"version:  {state.Version} (the slot of the last change)"));
        sb.AppendLine($"members:  {rows.Count}");
        if (rows.Count > 0) sb.AppendLine($"  {"node",-5} {"address",-36} {"weight",7} {"status",-9} {"vnodes",7} {"share",7} {"shards",7}");
        foreach (var r in rows)
            sb.AppendLine(string.Create(c, $"  {r.node,-5} {r.address,-36} {r.weight,7:0.###} {r.status,-9} {r.vnodes,7} {r.share,6:0.0%} {r.shards,7}"));
        sb.AppendLine(string.Create(c, $"shards:   {_shards} per entity type, each on the member owning its id"));
        return ctx.Ok(sb.ToString());
    }

    private async Task<CommandResponse> Lookup(CommandContext ctx, CancellationToken ct)
    {
        var key = ctx.Args[0];
        if (key.Length == 0) return ctx.Error("KEY must not be empty");
        if (await Current(ct) is not { } state) return ctx.Error("the ring is not known yet (the node is starting)");
        if (state.Ring.TryOwnerOf(key) is not { } owner) return ctx.Error("the ring has no active member: nobody owns any key");
        var address = state.Member(owner)?.Address;
        var position = RingHash.Of(key);
        if (ctx.Json)
            return ctx.Ok(JsonSerializer.Serialize(new { key, position = position.ToString("x16"), owner, address, version = state.Version }) + "\n");
        return ctx.Ok($"{key} -> node {owner} ({address}) at ring version {state.Version}\n");
    }

    private Task<CommandResponse> Drain(CommandContext ctx, CancellationToken ct) =>
        ParseNode(ctx.Args[0]) is not { } node
            ? Task.FromResult(ctx.Error($"NODE must be a node id (a whole number of 1 or more), not '{ctx.Args[0]}'"))
            : Submit(ctx, new RingDrain(node), $"node {node} is draining: it owns nothing now, and what it held goes to the next members", ct);

    private Task<CommandResponse> Weight(CommandContext ctx, CancellationToken ct)
    {
        if (ParseNode(ctx.Args[0]) is not { } node)
            return Task.FromResult(ctx.Error($"NODE must be a node id (a whole number of 1 or more), not '{ctx.Args[0]}'"));
        if (!double.TryParse(ctx.Args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !RingStateMachine.ValidWeight(weight))
            return Task.FromResult(ctx.Error($"WEIGHT must be a number above 0 and at most {RingStateMachine.MaxWeight}, not '{ctx.Args[1]}'"));
        return Submit(ctx, new RingWeight(node, weight), string.Create(CultureInfo.InvariantCulture, $"node {node} has weight {weight}"), ct);
    }

    private async Task<CommandResponse> Submit(CommandContext ctx, RingOp op, string done, CancellationToken ct)
    {
        // The entry point answers on its own when the operation is not applied in time; this only guards a lost reply.
        if (await AskOrNull<CommandResult>(_kv, new SubmitLogOp(op), _timeout + TimeSpan.FromSeconds(2), ct) is not { } result)
            return ctx.Error($"no reply from the node within {_timeout.TotalSeconds + 2:0}s");
        if (result.Status != CommandStatus.Ok) return ctx.Error(result.Error ?? result.Status.ToString());
        var version = (await Current(ct))?.Version;
        return ctx.Show(new { op = ctx.Command, status = "ok", version }, () => $"{done} (ring version {version})\n");
    }

    private static int? ParseNode(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var node) && node >= 1 ? node : null;

    /// <summary>The fraction of the hash space each member owns: the arcs ending at its virtual nodes.</summary>
    public static Dictionary<int, double> Shares(HashRing ring)
    {
        var shares = new Dictionary<int, double>();
        var points = ring.Points().ToList();
        for (var i = 0; i < points.Count; i++)
        {
            var start = i == 0 ? points[^1].Position : points[i - 1].Position;
            var length = unchecked(points[i].Position - start); // wraps around for the first arc
            if (points.Count == 1) length = ulong.MaxValue;
            shares[points[i].Owner] = shares.GetValueOrDefault(points[i].Owner) + length / 18446744073709551616.0;
        }
        return shares;
    }
}
