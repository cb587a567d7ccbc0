using System.Text;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Actors.Runtime.Palettes;

/// <summary><c>cluster-sharding regions|region-stats</c>: the shard regions of this cluster, in pbm's names.</summary>
public sealed class ShardingPalette : CommandPalette
{
    private readonly ActorSystem _system;
    private readonly TimeSpan _timeout;

    public ShardingPalette(ActorSystem system, TimeSpan timeout) : base("cluster-sharding", "Entity types sharded on the ring: regions, shards and entities per node.")
    {
        _system = system;
        _timeout = timeout;
        Register(new CommandSpec("regions", "", "Each entity type started on this node and the nodes with a region of it."), Regions);
        Register(new CommandSpec("region-stats", "TYPE", "For entity type TYPE: shards and entities on each node (and which shards)."), RegionStats);
    }

    private async Task<CommandResponse> Regions(CommandContext ctx, CancellationToken ct)
    {
        var sharding = ClusterSharding.Get(_system);
        var types = new List<(string Type, List<string> Nodes)>();
        foreach (var type in sharding.ShardTypeNames.OrderBy(t => t, StringComparer.Ordinal))
        {
            if (await AskOrNull<CurrentRegions>(sharding.ShardRegion(type), GetCurrentRegions.Instance, _timeout, ct) is not { } regions)
                return ctx.Error($"the coordinator of {type} did not answer within {_timeout.TotalSeconds:0.#}s");
            types.Add((type, regions.Regions.Select(a => a.ToString()).OrderBy(a => a, StringComparer.Ordinal).ToList()));
        }
        if (ctx.Json) return ctx.Ok(JsonSerializer.Serialize(types.Select(t => new { type = t.Type, regions = t.Nodes })) + "\n");
        if (types.Count == 0) return ctx.Ok("no entity type runs on this node\n");
        var sb = new StringBuilder();
        foreach (var (type, nodes) in types)
        {
            sb.AppendLine($"{type}: {nodes.Count} region(s)");
            foreach (var n in nodes) sb.AppendLine($"  {n}");
        }
        return ctx.Ok(sb.ToString());
    }

    private async Task<CommandResponse> RegionStats(CommandContext ctx, CancellationToken ct)
    {
        var type = ctx.Args[0];
        var sharding = ClusterSharding.Get(_system);
        if (!sharding.ShardTypeNames.Contains(type))
        {
            var known = string.Join(", ", sharding.ShardTypeNames.OrderBy(t => t, StringComparer.Ordinal));
            return ctx.Error($"no entity type '{type}' on this node (known: {(known.Length == 0 ? "none" : known)})");
        }
        if (await AskOrNull<ClusterShardingStats>(sharding.ShardRegion(type), new GetClusterShardingStats(_timeout), _timeout + TimeSpan.FromSeconds(2), ct)
            is not { } stats)
            return ctx.Error($"the regions of {type} did not answer within {_timeout.TotalSeconds:0.#}s");
        var rows = stats.Regions
            .Select(r => new
            {
                address = r.Key.ToString(),
                shards = r.Value.Stats.Count,
                entities = r.Value.Stats.Values.Sum(),
                shardIds = r.Value.Stats.Keys.OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToList(),
                failed = r.Value.Failed.Count,
            })
            .OrderBy(r => r.address, StringComparer.Ordinal)
            .ToList();
        if (ctx.Json) return ctx.Ok(JsonSerializer.Serialize(new { type, regions = rows }) + "\n");
        var sb = new StringBuilder();
        sb.AppendLine($"{type}: {rows.Sum(r => r.shards)} shard(s), {rows.Sum(r => r.entities)} entit(ies) on {rows.Count} region(s)");
        sb.AppendLine($"  {"address",-36} {"shards",7} {"entities",9}");
        foreach (var r in rows)
            sb.AppendLine($"  {r.address,-36} {r.shards,7} {r.entities,9}{(r.failed > 0 ? $"  ({r.failed} shard(s) did not answer)" : "")}");
        return ctx.Ok(sb.ToString());
    }
}
