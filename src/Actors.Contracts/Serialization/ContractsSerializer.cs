using System.Runtime.Serialization;
using System.Collections.Immutable;
using Actors.Contracts.Counter;
using Actors.Contracts.Kv;
using Actors.Contracts.Status;
using Akka.Actor;
using Akka.Serialization;

namespace Actors.Contracts.Serialization;

/// <summary>
/// Serializer of every <see cref="IActorsMessage"/>: a compact binary body and a short, stable string manifest
/// per type. Unknown manifests and malformed bytes raise <see cref="SerializationException"/>, which Akka logs
/// before dropping the message.
/// <para>
/// Versioned: every body starts with the format version it was written in (<see cref="FormatVersion"/>). A later
/// version only appends fields, so a reader of an older version reads the fields it knows and ignores the rest, and a
/// reader of a newer version gives the appended fields their defaults when they are missing. Version 2 appended the
/// answered seq and the leader's address to <see cref="KvReply"/> and the leader's address to <see cref="NodeStatus"/>;
/// version 3 the time of an add to <see cref="CounterAdded"/> and the times of the remembered ids to
/// <see cref="CounterSnapshot"/>, which a version-2 reader skips; version 4 the issue time to every key-value request and
/// the node's log time to <see cref="KvReply"/>.
/// </para>
/// </summary>
public sealed class ContractsSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Registered serializer id; stable across versions.</summary>
    public const int Id = 1300;

    private const string PutManifest = "kv.put";
    private const string GetManifest = "kv.get";
    private const string CasManifest = "kv.cas";
    private const string DeleteManifest = "kv.delete";
    private const string ReplyManifest = "kv.reply";
    private const string GetStatusManifest = "status.get";
    private const string StatusManifest = "status";
    private const string CounterAddManifest = "counter.add";
    private const string CounterGetManifest = "counter.get";
    private const string CounterReplyManifest = "counter.reply";
    private const string CounterAddedManifest = "counter.added";
    private const string CounterSnapshotManifest = "counter.snapshot";
    private const string CounterClaimedManifest = "counter.claimed";

    public override int Identifier => Id;

    /// <summary>The format this version writes.</summary>
    public const byte FormatVersion = 4;

    public override string Manifest(object o) => o switch
    {
        Put => PutManifest,
        Get => GetManifest,
        CompareAndSet => CasManifest,
        Delete => DeleteManifest,
        KvReply => ReplyManifest,
        GetNodeStatus => GetStatusManifest,
        NodeStatus => StatusManifest,
        CounterAdd => CounterAddManifest,
        CounterGet => CounterGetManifest,
        CounterReply => CounterReplyManifest,
        CounterAdded => CounterAddedManifest,
        CounterSnapshot => CounterSnapshotManifest,
        CounterClaimed => CounterClaimedManifest,
        _ => throw new SerializationException($"no manifest for {o.GetType().FullName}"),
    };

    public override byte[] ToBinary(object obj)
    {
        var w = new WireWriter();
        w.Byte(FormatVersion);
        switch (obj)
        {
            case Put p:
                w.String(p.Key).Bytes(p.Value).String(p.ClientId).Long(p.Seq).Long(p.Issued);
                break;
            case Get g:
                w.String(g.Key).String(g.ClientId).Long(g.Seq).Long(g.Issued);
                break;
            case CompareAndSet c:
                w.String(c.Key).Bytes(c.Expected).Bytes(c.NewValue).String(c.ClientId).Long(c.Seq).Long(c.Issued);
                break;
            case Delete d:
                w.String(d.Key).String(d.ClientId).Long(d.Seq).Long(d.Issued);
                break;
            case KvReply r:
                w.Byte((byte)r.Status).Bytes(r.Value).String(r.Error).Long(r.Seq).String(r.Leader).Long(r.LogTime);
                break;
            case GetNodeStatus:
                break;
            case NodeStatus s:
                w.Int(s.Node).Int(s.Leader ?? -1).String(s.Role).String(s.Ballot).Long(s.FirstUnchosen).Long(s.LastApplied).Int(s.Members.Count);
                foreach (var m in s.Members) w.String(m);
                w.String(s.LeaderAddress);
                break;
            case CounterAdd a:
                w.String(a.CounterId).Long(a.Delta).String(a.RequestId);
                break;
            case CounterGet g:
                w.String(g.CounterId);
                break;
            case CounterReply r:
                w.String(r.CounterId).Long(r.Value).Bool(r.Applied).String(r.Error);
                break;
            case CounterAdded e:
                w.String(e.RequestId).Long(e.Delta).Long(e.At);
                break;
            case CounterSnapshot x:
            {
                w.Long(x.Value).Int(x.RecentRequests.Length);
                foreach (var id in x.RecentRequests) w.String(id);
                var times = x.RecentTimes.IsDefault ? [] : x.RecentTimes;
                w.Int(times.Length);
                foreach (var t in times) w.Long(t);
                break;
            }
            case CounterClaimed:
                break;
            default:
                throw new SerializationException($"cannot serialize {obj.GetType().FullName}");
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var r = new WireReader(bytes);
        var version = r.ReadByte();
        if (version == 0) throw new SerializationException($"malformed message: format version 0 of '{manifest}'");
        object result = manifest switch
        {
            PutManifest => new Put(r.ReadString(), r.ReadBytes(), r.ReadString(), r.ReadLong()) { Issued = ReadIssued(ref r, version) },
            GetManifest => new Get(r.ReadString(), r.ReadString(), r.ReadLong()) { Issued = ReadIssued(ref r, version) },
            CasManifest => new CompareAndSet(r.ReadString(), r.ReadBytesOrNull(), r.ReadBytes(), r.ReadString(), r.ReadLong()) { Issued = ReadIssued(ref r, version) },
            DeleteManifest => new Delete(r.ReadString(), r.ReadString(), r.ReadLong()) { Issued = ReadIssued(ref r, version) },
            ReplyManifest => ReadReply(ref r, version),
            GetStatusManifest => GetNodeStatus.Instance,
            StatusManifest => ReadNodeStatus(ref r, version),
            CounterAddManifest => new CounterAdd(r.ReadString(), r.ReadLong(), r.ReadString()),
            CounterGetManifest => new CounterGet(r.ReadString()),
            CounterReplyManifest => new CounterReply(r.ReadString(), r.ReadLong(), r.ReadBool(), r.ReadStringOrNull()),
            CounterAddedManifest => new CounterAdded(r.ReadString(), r.ReadLong(), r.AtEnd ? 0 : r.ReadLong()),
            CounterSnapshotManifest => ReadCounterSnapshot(ref r),
            CounterClaimedManifest => CounterClaimed.Instance,
            _ => throw new SerializationException($"unknown manifest '{manifest}'"),
        };
        // Fields appended by a newer version are not known here: skip them.
        if (version <= FormatVersion) r.End();
        return result;
    }

    private static CounterSnapshot ReadCounterSnapshot(ref WireReader r)
    {
        var value = r.ReadLong();
        var n = r.ReadCount(4);
        var ids = ImmutableArray.CreateBuilder<string>(n);
        for (var i = 0; i < n; i++) ids.Add(r.ReadString());
        // Times were appended later: a snapshot written before has none.
        if (r.AtEnd) return new CounterSnapshot(value, ids.MoveToImmutable(), []);
        var m = r.ReadCount(8);
        var times = ImmutableArray.CreateBuilder<long>(m);
        for (var i = 0; i < m; i++) times.Add(r.ReadLong());
        return new CounterSnapshot(value, ids.MoveToImmutable(), times.MoveToImmutable());
    }

    private static NodeStatus ReadNodeStatus(ref WireReader r, byte version)
    {
        var node = r.ReadInt();
        var leader = r.ReadInt();
        var role = r.ReadString();
        var ballot = r.ReadString();
        var firstUnchosen = r.ReadLong();
        var lastApplied = r.ReadLong();
        var n = r.ReadCount(4);
        var members = new string[n];
        for (var i = 0; i < n; i++) members[i] = r.ReadString();
        var leaderAddress = version >= 2 ? r.ReadStringOrNull() : null;
        return new NodeStatus(node, leader < 0 ? null : leader, role, ballot, firstUnchosen, lastApplied, members, leaderAddress);
    }

    private static long ReadIssued(ref WireReader r, byte version) => version >= 4 ? r.ReadLong() : 0;

    private static KvReply ReadReply(ref WireReader r, byte version)
    {
        var status = ReadStatus(ref r);
        var value = r.ReadBytesOrNull();
        var error = r.ReadStringOrNull();
        if (version < 2) return new KvReply(status, value, error);
        var seq = r.ReadLong();
        var leader = r.ReadStringOrNull();
        return new KvReply(status, value, error, seq, leader, version >= 4 ? r.ReadLong() : 0);
    }

    private static KvReplyStatus ReadStatus(ref WireReader r)
    {
        var b = r.ReadByte();
        return Enum.IsDefined(typeof(KvReplyStatus), (int)b)
            ? (KvReplyStatus)b
            : throw new SerializationException($"malformed message: unknown status {b}");
    }
}
