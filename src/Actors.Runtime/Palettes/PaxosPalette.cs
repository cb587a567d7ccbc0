using System.Text;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Core.Paxos;
using Actors.Runtime.Cmd;
using Actors.Runtime.Paxos;
using Akka.Actor;
using Akka.Cluster;

namespace Actors.Runtime.Palettes;

/// <summary><c>paxos status</c>: this node's view of the consensus: leader, ballot, slots and members.</summary>
public sealed class PaxosPalette : CommandPalette
{
    private readonly ActorSystem _system;
    private readonly PaxosSettings _settings;

    public PaxosPalette(ActorSystem system, PaxosSettings settings) : base("paxos", "Multi-Paxos consensus state of this node.")
    {
        _system = system;
        _settings = settings;
        Register(new CommandSpec("status", "", "Leader, ballot, first unchosen and last applied slot, and each member's reachability."), Status);
    }

    private async Task<CommandResponse> Status(CommandContext ctx, CancellationToken ct)
    {
        ProposerStatus p;
        ReplicaStatus r;
        try
        {
            (p, r) = await PaxosStatusQuery.QueryAsync(_system, ct);
        }
        catch (AskTimeoutException)
        {
            return ctx.Error("the paxos actors did not answer (starting or recovering?)");
        }

        var cluster = Cluster.Get(_system);
        var state = cluster.State;
        var members = _settings.Ids.Select(id =>
        {
            var endpoint = _settings.EndpointOf(id);
            var address = Address.Parse(_settings.AddressOf(id));
            var member = state.Members.FirstOrDefault(m => m.Address.Equals(address));
            var reachable = id == _settings.Self
                || (member is not null && member.Status == MemberStatus.Up && !state.Unreachable.Any(u => u.Address.Equals(address)));
            return new
            {
                id,
                endpoint,
                self = id == _settings.Self,
                leader = p.Leader == id,
                status = member?.Status.ToString().ToLowerInvariant() ?? "absent",
                reachable,
            };
        }).ToList();

        if (ctx.Json)
        {
            return ctx.Ok(JsonSerializer.Serialize(new
            {
                node = p.Self,
                endpoint = _settings.EndpointOf(p.Self),
                role = p.Role.ToString().ToLowerInvariant(),
                leader = p.Leader,
                ballot = p.Ballot.ToString(),
                firstUnchosen = p.FirstUnchosen,
                lastApplied = r.LastApplied,
                knownCommit = r.KnownCommit,
                snapshotThrough = r.SnapshotThrough,
                keys = r.Keys,
                sessions = r.Sessions,
                inFlight = p.InFlight,
                pending = p.Pending,
                members,
            }) + "\n");
        }

        var sb = new StringBuilder();
        string Node(int? id) => id is { } n ? $"{n} ({_settings.EndpointOf(n)})" : "unknown";
        sb.AppendLine($"node:           {Node(p.Self)}");
        sb.AppendLine($"role:           {p.Role.ToString().ToLowerInvariant()}");
        sb.AppendLine($"leader:         {Node(p.Leader)}");
        sb.AppendLine($"ballot:         {(p.Ballot == Ballot.Zero ? "none" : p.Ballot.ToString())}");
        sb.AppendLine($"first unchosen: {p.FirstUnchosen}");
        sb.AppendLine($"last applied:   {r.LastApplied}");
        sb.AppendLine($"snapshot:       {(r.SnapshotThrough < 0 ? "none" : $"through slot {r.SnapshotThrough}")}");
        sb.AppendLine($"keys:           {r.Keys}");
        sb.AppendLine($"sessions:       {r.Sessions}");
        sb.AppendLine("members:");
        foreach (var m in members)
            sb.AppendLine($"  {m.id}  {m.endpoint,-21}  {(m.leader ? "leader" : m.self ? "self" : "-"),-6}  {m.status,-8}  {(m.reachable ? "reachable" : "unreachable")}");
        return ctx.Ok(sb.ToString());
    }
}
