using System.Collections.Immutable;

namespace Actors.Runtime.Hosting;

/// <summary>
/// What distinguishes one node from another: its endpoints, its peers and where it keeps its data.
/// Everything else comes from HOCON.
/// </summary>
public sealed record NodeOptions
{
    /// <summary>Akka.Remote host (and the address peers reach this node at).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Akka.Remote port.</summary>
    public int Port { get; init; } = 4053;

    /// <summary>Seed nodes as "host:port"; empty: this node seeds itself.</summary>
    public ImmutableArray<string> Seeds { get; init; } = [];

    /// <summary>Acceptor members as "host:port", the same list in the same order on every node; empty: this node alone.</summary>
    public ImmutableArray<string> Members { get; init; } = [];

    /// <summary>
    /// This node's id (actors.paxos.node-id); null keeps the configured one, 0 is automatic (an acceptor's position
    /// in <see cref="Members"/>). A node not in <see cref="Members"/> is a learner and needs an id above their count.
    /// </summary>
    public int? NodeId { get; init; }

    /// <summary>Command port; null keeps actors.cmd.port.</summary>
    public int? CommandPort { get; init; }

    /// <summary>Command host address; null keeps actors.cmd.host.</summary>
    public string? CommandHost { get; init; }

    /// <summary>Command token; null keeps actors.cmd.token.</summary>
    public string? CommandToken { get; init; }

    /// <summary>Data directory for the SQLite journal and snapshots.</summary>
    public string DataDir { get; init; } = "data/node-1";

    public string Endpoint => $"{Host}:{Port}";
}
