using System.Collections.Immutable;
using System.Text.Json;

namespace Actors.Testing.Processes;

/// <summary>One node's answer to <c>paxos status --json</c>: its role, the leader it follows and its view of every member.</summary>
/// <param name="Node">The answering node's id.</param>
/// <param name="Role">Its proposer role as the node prints it (<c>leader</c>, <c>follower</c>, <c>candidate</c>, ...).</param>
/// <param name="Leader">The leader it knows, or null when it knows none.</param>
/// <param name="FirstUnchosen">The first slot it does not know chosen.</param>
/// <param name="LastApplied">The last slot its replica applied.</param>
/// <param name="Members">Every acceptor member as this node sees it.</param>
/// <param name="Ballot">The ballot it leads or follows at, as "round.node".</param>
/// <param name="Sessions">Client sessions its replicated state holds.</param>
/// <param name="Pending">Commands its proposer holds waiting for a slot (leader) or for a leader (follower), at most <c>actors.paxos.max-pending</c>.</param>
public sealed record PaxosStatusReport(int Node, string Role, int? Leader, long FirstUnchosen, long LastApplied, ImmutableArray<PaxosMemberReport> Members,
    string Ballot = "0.-1", long Sessions = 0, int Pending = 0)
{
    /// <summary>
    /// <see cref="Ballot"/> as (round, node), which compares in ballot order: by round, then by node. A leader elected after
    /// a whole-cluster restart may hold the same round as the one before, with a higher node id.
    /// </summary>
    public (long Round, int Node) BallotOrder
    {
        get
        {
            var parts = Ballot.Split('.', 2);
            return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>True when the answering node is Up in the Akka cluster (its own member entry says so).</summary>
    public bool SelfUp => Members.Any(m => m.Self && m.Status == "up");

    /// <summary>True when the node is Up and knows a leader: what a restarted node must reach before it counts as back.</summary>
    public bool UpWithLeader => SelfUp && Leader is not null;

    /// <summary>How many members this node sees Up.</summary>
    public int MembersUp => Members.Count(m => m.Status == "up");

    /// <summary>Parses the JSON the paxos palette prints; throws <see cref="JsonException"/> or <see cref="KeyNotFoundException"/> on anything else.</summary>
    public static PaxosStatusReport Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var members = root.GetProperty("members").EnumerateArray().Select(m => new PaxosMemberReport(
            m.GetProperty("id").GetInt32(),
            m.GetProperty("endpoint").GetString() ?? "",
            m.GetProperty("self").GetBoolean(),
            m.GetProperty("leader").GetBoolean(),
            m.GetProperty("status").GetString() ?? "",
            m.GetProperty("reachable").GetBoolean())).ToImmutableArray();
        var leader = root.GetProperty("leader");
        return new PaxosStatusReport(
            root.GetProperty("node").GetInt32(),
            root.GetProperty("role").GetString() ?? "",
            leader.ValueKind == JsonValueKind.Number ? leader.GetInt32() : null,
            root.GetProperty("firstUnchosen").GetInt64(),
            root.GetProperty("lastApplied").GetInt64(),
            members,
            root.GetProperty("ballot").GetString() ?? "",
            root.GetProperty("sessions").GetInt64(),
            root.GetProperty("pending").GetInt32());
    }
}

/// <summary>One member in a <see cref="PaxosStatusReport"/>.</summary>
/// <param name="Id">Member id (1-based, the position in <c>actors.paxos.members</c>).</param>
/// <param name="Endpoint">Its Akka.Remote host:port.</param>
/// <param name="Self">True for the answering node itself.</param>
/// <param name="Leader">True when the answering node takes it for the leader.</param>
/// <param name="Status">Its Akka cluster member status in lower case (<c>up</c>, <c>joining</c>, ...), or <c>absent</c>.</param>
/// <param name="Reachable">Whether the answering node can reach it.</param>
public sealed record PaxosMemberReport(int Id, string Endpoint, bool Self, bool Leader, string Status, bool Reachable);
