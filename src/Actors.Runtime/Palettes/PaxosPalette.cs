using System.Text;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Core.Paxos;
using Actors.Runtime.Cmd;
using Actors.Runtime.Paxos;
using Akka.Actor;
using Akka.Cluster;

namespace Actors.Runtime.Palettes;

/// <summary>
/// <c>paxos status</c>: this node's view of the consensus: its role (leader, follower, candidate or learner),
/// the leader, ballot, slots, and each acceptor and each learner it knows with its cluster status.
/// </summary>
public sealed class PaxosPalette : CommandPalette
{
    private readonly ActorSystem _system;
    private readonly PaxosTransport _transport;
    private readonly PaxosSettings _settings;

    public PaxosPalette(ActorSystem system, PaxosTransport transport) : base("paxos", "Multi-Paxos consensus state of this node.")
    {
        _system = system;
        _transport = transport;
        _settings = transport.Settings;
        Register(new CommandSpec("status", "",
            "Role, leader, ballot, first unchosen and last applied slot, slots in flight and the window, reads waiting for a read " +
            "index, and the reachability of each member and known learner."), Status);
    }

    private sealed record NodeRow(int Id, string Endpoint, bool Self, bool Leader, string Status, bool Reachable);

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

        var state = Cluster.Get(_system).State;
        NodeRow Row(int id, Address address)
        {
            var member = state.Members.FirstOrDefault(m => m.Address.Equals(address));
            var reachable = id == _settings.Self
                || (member is not null && member.Status == MemberStatus.Up && !state.Unreachable.Any(u => u.Address.Equals(address)));
            return new NodeRow(id, NodeDirectory.Endpoint(address), id == _settings.Self, p.Leader == id,
                member?.Status.ToString().ToLowerInvariant() ?? "absent", reachable);
        }
        var members = _settings.Ids.Select(id => Row(id, Address.Parse(_settings.AddressOf(id)))).ToList();
        var learners = _transport.Learners.Select(kv => Row(kv.Key, kv.Value)).ToList();
        if (_settings.IsLearner && !_transport.Learners.ContainsKey(_settings.Self))
            learners.Insert(0, Row(_settings.Self, Address.Parse(PaxosSettings.AddressOf(_settings.SelfEndpoint))));

        if (ctx.Json)
        {
            object Json(NodeRow n) => new { id = n.Id, endpoint = n.Endpoint, self = n.Self, leader = n.Leader, status = n.Status, reachable = n.Reachable };
            return ctx.Ok(JsonSerializer.Serialize(new
            {
                node = p.Self,
                endpoint = _settings.SelfEndpoint,
                role = p.Role.ToString().ToLowerInvariant(),
                leader = p.Leader,
                ballot = p.Ballot.ToString(),
                firstUnchosen = p.FirstUnchosen,
                lastApplied = r.LastApplied,
                knownCommit = r.KnownCommit,
                snapshotThrough = r.SnapshotThrough,
                keys = r.Keys,
                sessions = r.Sessions,
                stateBytes = r.StateBytes,
                dataBytes = r.DataBytes,
                maxStateBytes = r.MaxStateBytes,
                inFlight = p.InFlight,
                window = p.Window,
                pending = p.Pending,
                reads = r.Reads,
                haltedAt = r.HaltedAt,
                members = members.Select(Json),
                learners = learners.Select(Json),
            }) + "\n");
        }

        var sb = new StringBuilder();
        string Node(int? id) => id is { } n ? $"{n} ({(_settings.IsMember(n) ? _settings.EndpointOf(n) : n == _settings.Self ? _settings.SelfEndpoint : "?")})" : "unknown";
        sb.AppendLine($"node:           {Node(p.Self)}");
        sb.AppendLine($"role:           {p.Role.ToString().ToLowerInvariant()}");
        sb.AppendLine($"leader:         {Node(p.Leader)}");
        sb.AppendLine($"ballot:         {(p.Ballot == Ballot.Zero ? "none" : p.Ballot.ToString())}");
        sb.AppendLine($"first unchosen: {p.FirstUnchosen}");
        sb.AppendLine($"last applied:   {r.LastApplied}");
        if (r.HaltedAt is { } halted)
            sb.AppendLine($"STOPPED AT:     slot {halted}: it holds a command this version cannot read (written by a newer one); upgrade this node");
        sb.AppendLine($"snapshot:       {(r.SnapshotThrough < 0 ? "none" : $"through slot {r.SnapshotThrough}")}");
        sb.AppendLine($"keys:           {r.Keys}");
        sb.AppendLine($"sessions:       {r.Sessions}");
        sb.AppendLine($"state:          {r.DataBytes} bytes of data of at most {r.MaxStateBytes} ({(r.MaxStateBytes > 0 ? 100.0 * r.DataBytes / r.MaxStateBytes : 0):0.#}%); {r.StateBytes} with the sessions");
        if (p.Role == ProposerRole.Leader) sb.AppendLine($"in flight:      {p.InFlight} slots of a window of {p.Window}");
        sb.AppendLine($"commands held:  {p.Pending} waiting for {(p.Role == ProposerRole.Leader ? "a slot" : "a leader")} (at most {_settings.Core.MaxPending})");
        sb.AppendLine($"reads waiting:  {r.Reads}");
        void Rows(string title, List<NodeRow> rows)
        {
            sb.AppendLine(title);
            foreach (var m in rows)
                sb.AppendLine($"  {m.Id}  {m.Endpoint,-21}  {(m.Leader ? "leader" : m.Self ? "self" : "-"),-6}  {m.Status,-8}  {(m.Reachable ? "reachable" : "unreachable")}");
        }
        Rows("members:", members);
        if (learners.Count > 0) Rows("learners:", learners);
        else sb.AppendLine("learners:       none known");
        return ctx.Ok(sb.ToString());
    }
}
