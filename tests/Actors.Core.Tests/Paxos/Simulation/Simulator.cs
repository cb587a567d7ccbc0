using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Core.Journal;
using Actors.Core.Ring;
using Actors.Testing.Linearizability;

namespace Actors.Core.Tests.Paxos.Simulation;

/// <summary>What a run observed.</summary>
public sealed record SimReport(
    IReadOnlyList<KvOperation> History,
    IReadOnlyList<string> Violations,
    int Crashes,
    int Partitions,
    long MessagesDelivered,
    int ProposerRestarts = 0,
    int ClusterRestarts = 0,
    int Elections = 0,
    int OkAfterDeafened = 0,
    int UnreadableApplied = 0,
    int PiecewiseInstalls = 0);

/// <summary>
/// A seeded discrete-event simulation of a Paxos cluster: every node runs an acceptor, a proposer and a
/// replica; the network drops, duplicates, delays and reorders messages and cuts links; nodes crash and
/// restart with only what they persisted. Clients issue KV commands, retry with the same sequence number
/// and record a history. The same seed always gives the same run. With <see cref="SimOptions.Learners"/>,
/// nodes after the acceptors are learners: a proposer outside the member list and a replica, told of by a
/// <see cref="LearnersChanged"/> on every acceptor; they must never campaign nor get a Prepare or Accept.
/// </summary>
public sealed class Simulator
{
    private sealed class Node(int id)
    {
        public int Id { get; } = id;
        public bool Learner;
        public bool Up = true;
        public Acceptor Acceptor = null!;
        /// <summary>The acceptor driver's group commit; a crash loses the open group and the one being written.</summary>
        public GroupCommit Group = null!;
        public int AcceptorIncarnation;
        public Proposer Proposer = null!;
        public Replica Replica = null!;
        public readonly List<IAcceptorEvent> Journal = new();
        /// <summary>The proposer's durable round (its journal).</summary>
        public long ProposerRound;
        public StateSnapshot? Snapshot;
        public long DownUntil;
        public int Incarnation;
    }

    private sealed record Envelope(long At, long Order, int From, Outbound Out);

    /// <summary>The acceptor driver's flush marker, behind the messages already on their way to it.</summary>
    private sealed record FlushGroup(int Incarnation) : IPaxosMessage;

    /// <summary>The acceptor driver's group write is durable (a crash before it arrives loses the group).</summary>
    private sealed record GroupWritten(int Incarnation, IReadOnlyList<IAcceptorEvent> Events) : IPaxosMessage;

    private sealed class Client(int id)
    {
        public int Id { get; } = id;
        public string ClientId => $"c{Id}";
        public long Seq;
        public int Done;
        public LogCommand? Current;
        public int Target;
        public long Invoked;
        public long SentAt;
        public int Retries;
        public bool Finished;

        /// <summary>The highest log time a node told this client: the issue time of its next command.</summary>
        public long KnownLogTime;

        /// <summary>The current command was refused as expired once and issued again.</summary>
        public bool Reissued;

        /// <summary>The sequence number of this client's next journal append (held until an append is acknowledged).</summary>
        public long JournalNext = 1;

        /// <summary>This client's acknowledged journal appends: sequence number and completion time.</summary>
        public readonly List<(long Seq, long Completed)> Appended = new();

        public string Stream => "p-" + ClientId;
    }

    private readonly SimOptions _o;
    private readonly int _seed;
    private readonly Random _rng;
    private readonly PaxosConfig _config;
    private readonly LogRules _rules;
    private readonly Node[] _nodes;
    private readonly Client[] _clients;
    private readonly PriorityQueue<Envelope, (long, long)> _net = new();
    private readonly Dictionary<long, SlotValue> _chosen = new();
    private readonly List<KvOperation> _history = new();
    private readonly List<string> _violations = new();
    private readonly HashSet<(int, int)> _cut = new();
    private long _cutUntil;
    private long _now;
    private long _order;
    private long _delivered;
    private int _crashes;
    private int _partitions;
    private int _proposerRestarts;
    private int _clusterRestarts;
    private int _elections;
    private int? _deaf;
    private int _okAfterDeafened;

    /// <summary>The acceptor-list fingerprint of the simulated cluster.</summary>
    private const ulong LogFingerprint = 0x5EED_0F_7E57;

    public Simulator(int seed, SimOptions options)
    {
        _seed = seed;
        _o = options;
        _rng = new Random(seed);
        _config = new PaxosConfig(
            Enumerable.Range(0, options.Nodes).ToImmutableArray(),
            Window: options.Window, MaxWindow: options.MaxWindow, MaxBatch: options.MaxBatch, HeartbeatTicks: 2, ElectionTimeoutTicks: 10,
            RetransmitTicks: 4, SnapshotEvery: options.SnapshotEvery, CatchUpBatch: 5, MaxBatchBytes: options.MaxBatchBytes,
            PreVote: !options.NoPreVote, CheckQuorum: !options.NoCheckQuorum, Fingerprint: LogFingerprint, MaxPending: options.MaxPending,
            SnapshotChunkBytes: options.SnapshotChunkBytes);
        _rules = LogRules.Default with { SessionTtl = options.SessionTtl };
        _nodes = Enumerable.Range(0, options.Nodes + options.Learners).Select(i => new Node(i) { Learner = i >= options.Nodes }).ToArray();
        foreach (var n in _nodes) Boot(n);
        _clients = Enumerable.Range(0, options.Clients).Select(i => new Client(i)).ToArray();
    }

    private void Boot(Node n)
    {
        n.Acceptor = new Acceptor(n.Id, _o.PromisePageBytes);
        foreach (var e in n.Journal) n.Acceptor.Apply(e);
        n.Group = new GroupCommit();
        n.AcceptorIncarnation++;
        // Each incarnation's read-index ids start at a random value drawn from the seed, as a node draws them at start.
        n.Replica = new Replica(_config, n.Id, _rules, n.Snapshot, new Random(unchecked(_seed * 131 + n.Id * 17 + n.AcceptorIncarnation)).NextInt64());
        n.Up = true;
        StartProposer(n);
    }

    /// <summary>A new proposer incarnation with only the round its journal holds; the driver tells it how far the replica is.</summary>
    private void StartProposer(Node n)
    {
        n.Incarnation++;
        // The failpoint loses the last persisted round, so the next campaign reuses the last ballot.
        var round = _o.ProposerForgetsRound ? Math.Max(0, n.ProposerRound - 1) : n.ProposerRound;
        n.Proposer = new Proposer(_config, n.Id, new Random(_seed * 31 + n.Id * 7 + n.Incarnation), round, () => _now);
        if (_o.Learners > 0)
            Handle(n, new Outbound(n.Id, PaxosRole.Proposer, new LearnersChanged(_nodes.Where(x => x.Learner).Select(x => x.Id).ToImmutableArray())));
        Handle(n, new Outbound(n.Id, PaxosRole.Proposer, new AppliedThrough(n.Replica.NextToApply - 1)));
    }

    public SimReport Run()
    {
        while (_now < _o.Deadline && _violations.Count == 0)
        {
            _now++;
            if (_now < _o.FaultPhase) InjectFaults();
            else Heal();

            while (_net.TryPeek(out var env, out _) && env.At <= _now)
            {
                _net.Dequeue();
                Deliver(env);
            }

            if (_now % _o.TickEvery == 0)
                foreach (var n in _nodes.Where(n => n.Up))
                {
                    Handle(n, new Outbound(n.Id, PaxosRole.Proposer, Tick.Instance));
                    Handle(n, new Outbound(n.Id, PaxosRole.Replica, Tick.Instance));
                }

            DriveClients();
            if (_now > _o.FaultPhase && _clients.All(c => c.Finished)) break;
        }

        if (_violations.Count == 0 && !_clients.All(c => c.Finished))
            _violations.Add($"liveness: clients not finished by {_o.Deadline} ({string.Join(", ", _clients.Select(c => $"{c.ClientId}:{c.Done}"))}); " +
                            $"leaders: {string.Join(", ", _nodes.Select(n => $"{n.Id}:{n.Proposer.Role}/{n.Proposer.Leader}/{n.Proposer.Ballot}/fu{n.Proposer.FirstUnchosen}/if{n.Proposer.InFlightCount}/p{n.Proposer.PendingCount}/next{n.Replica.NextToApply}/commit{n.Replica.KnownCommit}/promised{n.Acceptor.Promised}/compacted{n.Acceptor.CompactedThrough}"))}");
        if (_violations.Count == 0) CheckConvergence();

        return new SimReport(_history, _violations, _crashes, _partitions, _delivered, _proposerRestarts, _clusterRestarts, _elections, _okAfterDeafened, _unreadableApplied, _piecewiseInstalls);
    }

    private void CheckConvergence()
    {
        // With the network reliable and every node up, all replicas reach the same slot and state.
        for (var i = 0; i < 2000 && !Converged(); i++)
        {
            _now++;
            while (_net.TryPeek(out var env, out _) && env.At <= _now) { _net.Dequeue(); Deliver(env); }
            if (_now % _o.TickEvery == 0)
                foreach (var n in _nodes)
                {
                    Handle(n, new Outbound(n.Id, PaxosRole.Proposer, Tick.Instance));
                    Handle(n, new Outbound(n.Id, PaxosRole.Replica, Tick.Instance));
                }
        }
        if (!Converged())
            _violations.Add("replicas did not converge: " + string.Join(", ", _nodes.Select(n => $"{n.Id}@{n.Replica.NextToApply}")));
        else
        {
            var states = _nodes.Select(n => Fingerprint(n.Replica.State.Snapshot(n.Replica.NextToApply - 1))).Distinct().ToList();
            if (states.Count != 1) _violations.Add("replicas applied the same slots but hold different states: " + string.Join(" / ", states));
            if (_o.JournalOps) CheckJournal();
        }
    }

    private bool Converged()
    {
        var target = _nodes.Max(n => n.Replica.KnownCommit);
        return _nodes.All(n => n.Up && n.Replica.NextToApply == target && n.Replica.NextToApply == _nodes[0].Replica.NextToApply);
    }

    private static string Fingerprint(StateSnapshot s) =>
        string.Join(";", s.Kv.Entries.Select(e => e.Key + "=" + Convert.ToHexString(e.Value))) + $"|t={s.LogTime}|" +
        string.Join(";", s.Sessions.Sessions.Select(x => $"{x.ClientId}:{x.Seq}:{x.LastActive}")) +
        $"|ring@{s.Ring?.Version}:" + string.Join(";", (s.Ring ?? RingSection.Empty).Members.Select(m => $"{m.Node}/{m.Address}/{m.Weight}/{m.Status}")) +
        "|journal:" + string.Join(";", (s.Journal ?? JournalSection.Empty).Streams.Select(x =>
            $"{x.PersistenceId}@{x.HighestSequenceNr}/{x.DeletedTo}:" + string.Join(",", x.Events.Select(e => $"{e.SequenceNr}={Convert.ToHexString(e.Payload)}"))));

    // ---- faults ---------------------------------------------------------------------------------

    private void InjectFaults()
    {
        if (_now % _o.TickEvery != 0) return;
        if (_o.DeafenLeaderAt > 0 && _deaf is null && _now >= _o.DeafenLeaderAt)
            _deaf = _nodes.FirstOrDefault(n => n.Up && n.Proposer.Role == ProposerRole.Leader)?.Id;
        var maxDown = (_o.Nodes - 1) / 2;
        foreach (var n in _nodes)
        {
            if (!n.Up && _now >= n.DownUntil) Boot(n);
        }
        // Faults drawn only when their option is on, so the other profiles keep their seeds' schedules.
        if (_o.ProposerRestartRatePerTick > 0 && _rng.NextDouble() < _o.ProposerRestartRatePerTick * _o.Nodes)
        {
            // Only the proposer's actor restarts: acceptor, replica and the node's messages in flight stay.
            var n = _nodes[_rng.Next(_nodes.Length)];
            if (n.Up)
            {
                _proposerRestarts++;
                StartProposer(n);
            }
        }
        if (_o.ClusterRestartRatePerTick > 0 && _nodes.All(n => n.Up) && _rng.NextDouble() < _o.ClusterRestartRatePerTick)
        {
            // Every node at the same moment: all volatile state lost; messages already sent are still delivered
            // to whoever is up when they arrive. All come back together.
            _clusterRestarts++;
            var back = _now + _o.TickEvery * (1 + _rng.Next(_o.MaxDownTicks / 4 + 1));
            foreach (var n in _nodes)
            {
                Crash(n);
                n.DownUntil = back;
            }
        }
        if (_rng.NextDouble() < _o.CrashRatePerTick * _o.Nodes && _nodes.Count(n => !n.Up) < maxDown + (_rng.NextDouble() < 0.2 ? 1 : 0))
        {
            var victim = _nodes[_rng.Next(_nodes.Length)];
            if (victim.Up)
            {
                Crash(victim);
                victim.DownUntil = _now + _o.TickEvery * (1 + _rng.Next(_o.MaxDownTicks));
            }
        }
        if (_o.ForeignDecisionRatePerTick > 0 && _rng.NextDouble() < _o.ForeignDecisionRatePerTick) SendForeignDecision();
        if (_o.UnreadableRatePerTick > 0 && _rng.NextDouble() < _o.UnreadableRatePerTick) SubmitUnreadable();
        if (_now >= _cutUntil && _cut.Count > 0) _cut.Clear();
        if (_cut.Count == 0 && _rng.NextDouble() < _o.PartitionRatePerTick)
        {
            _partitions++;
            var side = _nodes.Where(_ => _rng.Next(2) == 0).Select(n => n.Id).ToHashSet();
            foreach (var a in _nodes)
            foreach (var b in _nodes)
                if (side.Contains(a.Id) != side.Contains(b.Id)) _cut.Add((a.Id, b.Id));
            // Sometimes a one-way cut only.
            if (_rng.Next(4) == 0) _cut.RemoveWhere(p => p.Item1 < p.Item2);
            _cutUntil = _now + _o.TickEvery * (1 + _rng.Next(_o.MaxPartitionTicks));
        }
    }

    /// <summary>A decision or catch-up answer from outside this log for a slot a replica has yet to apply.</summary>
    private void SendForeignDecision()
    {
        var n = _nodes[_rng.Next(_nodes.Length)];
        if (!n.Up) return;
        var slot = n.Replica.NextToApply + _rng.Next(4);
        var value = new SlotValue([LogCommand.Of("foreign", slot + 1, new KvPut("k0", Encoding.UTF8.GetBytes("foreign")))], _now);
        IPaxosMessage m = _rng.Next(5) switch
        {
            0 => new Decision(slot, value, 0, new Ballot(99, 0), 0xBAD),
            1 => new Decision(slot, value, 99, new Ballot(99, 99), LogFingerprint),
            2 => new Decision(slot, value, 0, new Ballot(99, 1), LogFingerprint),
            3 => new Decision(slot, value),
            _ => new CatchUpResponse(null, [new DecidedSlot(slot, value)], 0, 0xBAD),
        };
        Enqueue(-1, new Outbound(n.Id, PaxosRole.Replica, m), Delay());
    }

    /// <summary>Prefix of the client ids of commands the log cannot read (single-use ids: they keep no session).</summary>
    private const string UnreadablePrefix = "~unreadable";

    private int _unreadable;
    private int _unreadableApplied;

    /// <summary>Snapshots a replica installed from pieces (<see cref="SimOptions.SnapshotChunkBytes"/>).</summary>
    private int _piecewiseInstalls;

    /// <summary>
    /// A command whose bytes no version can read, submitted through a random node: a random valid operation of a service less
    /// its last byte (a cut field), or a field longer than the bytes that follow it.
    /// </summary>
    private void SubmitUnreadable()
    {
        var n = _nodes[_rng.Next(_nodes.Length)];
        if (!n.Up) return;
        byte[] bytes;
        int service;
        if (_rng.Next(2) == 0)
        {
            var op = _rng.Next(3) switch
            {
                0 => (LogOp)RandomOp(),
                1 => RandomRingOp(),
                _ => new JournalAppend("unreadable", [new JournalEvent(1, 1, "m", Encoding.UTF8.GetBytes("e" + _rng.Next(100)), "w")]),
            };
            var whole = op.Encode();
            bytes = whole[..^1];
            service = op.Service;
        }
        else
        {
            // Field 1 (every service's first operation) said to be 127 bytes long, and fewer random bytes after it.
            bytes = new byte[2 + _rng.Next(100)];
            _rng.NextBytes(bytes);
            bytes[0] = 0x0A;
            bytes[1] = 0x7F;
            service = _rng.Next(1, 5);
        }
        var command = new LogCommand(UnreadablePrefix + ++_unreadable, 1, service, bytes);
        Enqueue(-1, new Outbound(n.Id, PaxosRole.Proposer, new Submit([command], 0)), Delay());
    }

    private void Heal()
    {
        _cut.Clear();
        foreach (var n in _nodes.Where(n => !n.Up)) Boot(n);
    }

    private void Crash(Node n)
    {
        _crashes++;
        n.Up = false;
        if (_o.AcceptorSkipsPersist) n.Journal.Clear();
    }

    // ---- network --------------------------------------------------------------------------------

    private void Send(int from, Outbound o)
    {
        var local = from == o.To;
        if (!local && Oversized(o.Message) is { } bytes)
        {
            // The transport drops a frame over its size without a word; a role that sized its batches by anything but
            // their bytes would retransmit it forever.
            if (_oversized++ == 0) _violations.Add($"a {o.Message.GetType().Name} of {bytes} bytes of commands went over the batch limit of {_o.MaxBatchBytes}");
            return;
        }
        if (!local && _now < _o.FaultPhase)
        {
            if (_cut.Contains((from, o.To))) return;
            if (_o.PermanentCuts.Contains((from, o.To))) return;
            if (_deaf == o.To && from >= 0) return;
            if (_rng.NextDouble() < _o.DropRate) return;
            if (_rng.NextDouble() < _o.DuplicateRate) Enqueue(from, o, Delay());
        }
        Enqueue(from, o, local ? LocalDelay() : Delay() + (o.Message is ReadProbe or ReadProbeAck or ReadIndexGrant ? _o.SlowReads : 0));
    }

    private int _oversized;
    private int _overPending;

    /// <summary>
    /// The bytes of the commands a message carries, counted here from their payloads alone (a lower bound of their encoding
    /// that does not trust the sizes the roles batch by), when that is over the batch limit and there is more than one;
    /// else null.
    /// </summary>
    private long? Oversized(IPaxosMessage m)
    {
        static long Of(IEnumerable<LogCommand> commands, out int count)
        {
            var list = commands.ToList();
            count = list.Count;
            return list.Sum(c => (long)c.ClientId.Length + c.Op.Length);
        }
        IEnumerable<LogCommand> Values(IEnumerable<SlotValue> values) => values.SelectMany(v => v.IsNoOp ? [] : v.Commands);
        var carried = m switch
        {
            Accept a => Values([a.Value]),
            Decision d => Values([d.Value]),
            Promise p => Values(p.Accepted.Select(x => x.Value)),
            Submit s => s.Commands,
            CatchUpResponse r => Values(r.Decisions.Select(x => x.Value)), // its snapshot travels in pieces in a node
            _ => null,
        };
        if (carried is null) return null;
        var bytes = Of(carried, out var count);
        return count > 1 && bytes > _o.MaxBatchBytes ? bytes : null;
    }

    /// <summary>A message to a role on the same node waits in a mailbox; a crash loses what is still there.</summary>
    private long LocalDelay() => _o.LocalMaxDelay > 0 ? _rng.Next(_o.LocalMaxDelay + 1) : 0;

    private long Delay()
    {
        var d = _o.MinDelay + _rng.Next(_o.MaxDelay - _o.MinDelay + 1);
        if (_now < _o.FaultPhase && _rng.NextDouble() < _o.LongDelayRate) d += _rng.Next(_o.LongDelay);
        return d;
    }

    private void Enqueue(int from, Outbound o, long delay)
    {
        var env = new Envelope(_now + delay, _order++, from, o);
        _net.Enqueue(env, (env.At, env.Order));
    }

    private void Deliver(Envelope env)
    {
        var n = _nodes[env.Out.To];
        if (!n.Up) return;
        _delivered++;
        Handle(n, env.Out);
    }

    private void Handle(Node n, Outbound o)
    {
        if (n.Learner && o.Role == PaxosRole.Acceptor)
        {
            // A learner runs no acceptor; its replica's local Compact after a snapshot has nothing to compact.
            if (o.Message is not Compact) _violations.Add($"learner {n.Id} got {o.Message.GetType().Name} at t={_now}");
            return;
        }
        if (o.Role == PaxosRole.Acceptor)
        {
            HandleAcceptor(n, o.Message);
            return;
        }
        if (_o.LeaderReadsLocally && o.Message is LinearizableRead local && n.Proposer.Role == ProposerRole.Leader)
        {
            // Failpoint: a node that believes it leads answers at once from its own state, with no read index.
            OnApplied(n, new AppliedCommand(local.Command, n.Replica.State.Read(local.Command)));
            return;
        }
        var wasLeader = n.Proposer.Role == ProposerRole.Leader;
        var appliedBefore = n.Replica.NextToApply;
        var fx = o.Role == PaxosRole.Proposer ? n.Proposer.Step(o.Message) : n.Replica.Step(o.Message);
        if (o.Message is SnapshotChunk && n.Replica.NextToApply > appliedBefore) _piecewiseInstalls++;
        if (!wasLeader && n.Proposer.Role == ProposerRole.Leader && _now < _o.FaultPhase) _elections++;
        if (n.Proposer.PendingCount > _config.MaxPending && _overPending++ == 0)
            _violations.Add($"node {n.Id}'s proposer ({n.Proposer.Role}) holds {n.Proposer.PendingCount} commands, over max-pending {_config.MaxPending}, at t={_now}");

        // A role reports an error only on evidence of a bug (a reused ballot).
        foreach (var e in fx.Errors) _violations.Add($"error at t={_now}: {e}");

        if (fx.PersistRound is { } round) n.ProposerRound = Math.Max(n.ProposerRound, round);
        if (fx.SaveSnapshot is { } snap)
        {
            if (n.Snapshot is null || snap.AppliedThrough > n.Snapshot.AppliedThrough) n.Snapshot = snap;
            Enqueue(n.Id, new Outbound(n.Id, PaxosRole.Replica, new SnapshotSaved(snap.AppliedThrough)), 1);
        }
        foreach (var m in fx.Send)
        {
            if (m.Message is Decision d) RecordChosen(d.Slot, d.Value);
            if (m.Message is CatchUpResponse r) foreach (var ds in r.Decisions) RecordChosen(ds.Slot, ds.Value);
            Send(n.Id, m);
        }
        foreach (var applied in fx.Applied) OnApplied(n, applied);
        foreach (var read in fx.Reads) OnApplied(n, read);
        if (n.Learner && n.Proposer.Role != ProposerRole.Learner)
            _violations.Add($"learner {n.Id} became {n.Proposer.Role} at t={_now}");
    }

    /// <summary>
    /// The acceptor's driver with group commit: events of the steps handled before a flush marker are written as one
    /// group that takes a while; its replies leave when it is durable. A crash loses the open group and a write in flight.
    /// </summary>
    private void HandleAcceptor(Node n, IPaxosMessage message)
    {
        switch (message)
        {
            case FlushGroup f:
            {
                if (f.Incarnation != n.AcceptorIncarnation) return;
                var (write, sendNow) = n.Group.OnFlush();
                SendAll(n, sendNow);
                if (write.Count == 0) return;
                Enqueue(n.Id, new Outbound(n.Id, PaxosRole.Acceptor, new GroupWritten(n.AcceptorIncarnation, write)), 1 + _rng.Next(_o.WriteMaxDelay));
                // Failpoint: the group counts as written (its replies leave) before it is durable.
                if (_o.GroupRepliesBeforeWrite) Written(n);
                return;
            }
            case GroupWritten w:
            {
                if (w.Incarnation != n.AcceptorIncarnation) return;
                n.Journal.AddRange(w.Events);
                if (!_o.GroupRepliesBeforeWrite) Written(n);
                return;
            }
        }

        var fx = n.Acceptor.Step(message);
        foreach (var e in fx.Errors) _violations.Add($"error at t={_now}: {e}");
        if (_o.AcceptorSkipsPersist)
        {
            // Failpoint: replies leave at once and nothing reaches the journal.
            SendAll(n, fx.Send);
            return;
        }
        var (now, flush) = n.Group.Add(fx);
        SendAll(n, now);
        if (flush) ScheduleFlush(n);
    }

    private void Written(Node n)
    {
        var (send, schedule) = n.Group.OnWritten();
        SendAll(n, send);
        if (schedule) ScheduleFlush(n);
    }

    private void ScheduleFlush(Node n) =>
        Enqueue(n.Id, new Outbound(n.Id, PaxosRole.Acceptor, new FlushGroup(n.AcceptorIncarnation)), LocalDelay());

    private void SendAll(Node n, IEnumerable<Outbound> messages)
    {
        foreach (var m in messages) Send(n.Id, m);
    }

    private void RecordChosen(long slot, SlotValue value)
    {
        if (!_chosen.TryGetValue(slot, out var existing))
            _chosen[slot] = value;
        else if (!ReferenceEquals(existing, value) && !(existing.IsNoOp && value.IsNoOp && existing.Stamp == value.Stamp))
            _violations.Add($"agreement: slot {slot} chosen twice with different values at t={_now}");
    }

    // ---- clients --------------------------------------------------------------------------------

    private void DriveClients()
    {
        foreach (var c in _clients)
        {
            if (c.Finished) continue;
            if (c.Current is null)
            {
                if (c.Done >= _o.OpsPerClient) { c.Finished = true; continue; }
                if (_rng.Next(3) != 0) continue; // think time
                c.Seq++;
                c.Current = LogCommand.Of(c.ClientId, c.Seq, _o.RingOps && _rng.Next(8) == 0 ? RandomRingOp()
                    : _o.JournalOps && _rng.Next(3) == 0 ? RandomJournalOp(c)
                    : RandomOp());
                c.Invoked = _now;
                c.Retries = 0;
                c.Reissued = false;
                c.Target = _rng.Next(_nodes.Length);
                // A write is issued at the log time the client knows (as ActorsClient does; reads need none), or the first node's
                // when it knows none yet; before any node knows one (a new log), the write waits, as an entry point refuses it.
                var issued = c.Current.Decoded().IsRead ? 0
                    : _o.IssueInTheFuture ? long.MaxValue / 4
                    : c.KnownLogTime > 0 ? c.KnownLogTime : _nodes[c.Target].Replica.State.LogTime;
                if (issued == 0 && !c.Current.Decoded().IsRead)
                {
                    c.Seq--;
                    c.Current = null;
                    continue;
                }
                c.Current = c.Current with { Issued = issued };
                SubmitCurrent(c);
            }
            else if (_now - c.SentAt >= _o.ClientTimeout)
            {
                if (c.Retries >= _o.ClientRetries && _now < _o.FaultPhase)
                {
                    Complete(c, KvOutcome.Indeterminate, null);
                    continue;
                }
                c.Retries++;
                c.Target = (c.Target + 1) % _nodes.Length;
                SubmitCurrent(c);
            }
        }
    }

    private void SubmitCurrent(Client c)
    {
        c.SentAt = _now;
        var n = _nodes[c.Target];
        if (!n.Up) return;
        // Reads stay off the log: the node's replica answers them by read index. Writes go to the node's proposer.
        var message = c.Current!.Decoded().IsRead && !_o.ReadsThroughLog
            ? (IPaxosMessage)new LinearizableRead(c.Current)
            : new Submit(ImmutableArray.Create(c.Current), 0);
        Enqueue(-1, new Outbound(n.Id, message is LinearizableRead ? PaxosRole.Replica : PaxosRole.Proposer, message), Delay());
    }

    /// <summary>A ring change on one of six nodes, so replicas must agree on the ring's members and version too.</summary>
    private RingOp RandomRingOp()
    {
        var node = 1 + _rng.Next(6);
        return _rng.Next(4) switch
        {
            0 => new RingJoin(node, "n" + node + "@" + _rng.Next(2), 1 + _rng.Next(3)),
            1 => new RingLeave(node),
            2 => new RingDrain(node),
            _ => new RingWeight(node, 1 + _rng.Next(3)),
        };
    }

    /// <summary>
    /// The client's next journal append (the same sequence number and content again after an unanswered one, as a late
    /// copy would be), or a read barrier.
    /// </summary>
    private LogOp RandomJournalOp(Client c) => _rng.Next(3) == 0
        ? ReadBarrier.Instance
        : new JournalAppend(c.Stream, [JournalEventOf(c, c.JournalNext)]);

    /// <summary>
    /// The event a client appends at <paramref name="seq"/>: its id and sequence number, padded to a size drawn from both
    /// (most a few hundred bytes, one in four 24 to 56 KiB, so that slots, pages and catch-up answers are cut by bytes).
    /// </summary>
    private static JournalEvent JournalEventOf(Client c, long seq)
    {
        var text = Encoding.UTF8.GetBytes($"{c.ClientId}-{seq}");
        var h = unchecked((uint)(c.Id + 1) * 2654435761u ^ (uint)seq * 40503u + (uint)(seq >> 7));
        var size = h % 4 == 0 ? 24 * 1024 + (int)(h % (32 * 1024)) : 16 + (int)(h % 512);
        var payload = new byte[Math.Max(size, text.Length)];
        text.CopyTo(payload, 0);
        return new JournalEvent(seq, 1, "e", payload, c.ClientId);
    }

    /// <summary>
    /// A read barrier answered at <paramref name="n"/>: its replica must hold every append acknowledged before the barrier
    /// was invoked, and have applied the slot the answer names.
    /// </summary>
    private void CheckBarrier(Client c, Node n, CommandResult result)
    {
        var slot = ReplicatedState.BarrierSlot(result);
        if (slot > n.Replica.NextToApply - 1) _violations.Add($"barrier at node {n.Id} names slot {slot}, beyond its applied {n.Replica.NextToApply - 1}");
        foreach (var other in _clients)
            foreach (var (seq, completed) in other.Appended)
                if (completed < c.Invoked && n.Replica.State.Journal.Events(other.Stream, seq, seq, 1).IsEmpty)
                    _violations.Add($"barrier of {c.ClientId} at node {n.Id} (t={_now}) misses {other.Stream}#{seq}, acknowledged at t={completed}");
    }

    /// <summary>Every acknowledged append is in the journal with its own content, and nothing beyond what was sent.</summary>
    private void CheckJournal()
    {
        var journal = _nodes[0].Replica.State.Journal;
        foreach (var c in _clients)
        {
            var events = journal.Events(c.Stream, 1, long.MaxValue, long.MaxValue);
            foreach (var (seq, _) in c.Appended)
                if (!events.Any(e => e.SequenceNr == seq && JournalEvent.ContentEquals(e, JournalEventOf(c, seq))))
                    _violations.Add($"journal: acknowledged {c.Stream}#{seq} is missing or changed");
            if (events.Any(e => e.SequenceNr > c.JournalNext || !JournalEvent.ContentEquals(e, JournalEventOf(c, e.SequenceNr))))
                _violations.Add($"journal: {c.Stream} holds an event never sent: {string.Join(",", events.Select(e => e.SequenceNr))}");
        }
    }

    private KvOp RandomOp()
    {
        var key = "k" + _rng.Next(_o.Keys);
        var v = Encoding.UTF8.GetBytes("v" + _rng.Next(6));
        return _rng.Next(10) switch
        {
            < 4 => new KvPut(key, v),
            < 7 => new KvGet(key),
            < 9 => new KvCas(key, _rng.Next(4) == 0 ? null : Encoding.UTF8.GetBytes("v" + _rng.Next(6)), v),
            _ => new KvDelete(key),
        };
    }

    private void OnApplied(Node n, AppliedCommand applied)
    {
        // Every replica refuses a command no version can read (the states are compared at the end).
        if (applied.Command.ClientId.StartsWith(UnreadablePrefix, StringComparison.Ordinal))
        {
            _unreadableApplied++;
            if (applied.Result.Status != CommandStatus.Rejected)
                _violations.Add($"an unreadable command was answered {applied.Result.Status} at node {n.Id}");
            return;
        }
        var c = _clients.FirstOrDefault(x => x.ClientId == applied.Command.ClientId);
        if (c?.Current is null || !LogCommand.ContentEquals(c.Current, applied.Command) || c.Target != n.Id) return;
        c.KnownLogTime = Math.Max(c.KnownLogTime, n.Replica.State.LogTime);
        if (applied.Result.Status == CommandStatus.SessionExpired)
        {
            // Sent once, it was never applied: issue it again at the node's log time. Sent more than once, an earlier copy may
            // have been applied before the session expired: the outcome is unknown.
            if (c.Retries == 0 && !c.Reissued)
            {
                c.Reissued = true;
                c.Current = c.Current with { Issued = n.Replica.State.LogTime };
                SubmitCurrent(c);
            }
            else Complete(c, KvOutcome.Indeterminate, null);
            return;
        }
        // A ring drain or reweigh of a node that is not on the ring is rightly rejected; nothing else a client sends is.
        if (applied.Result.Status is CommandStatus.Stale || (applied.Result.Status == CommandStatus.Rejected && applied.Command.Decoded() is not RingOp))
        {
            _violations.Add($"client {c.ClientId} seq {c.Seq} got {applied.Result.Status} for its current command");
            return;
        }
        if (applied.Command.Decoded() is ReadBarrier) CheckBarrier(c, n, applied.Result);
        Complete(c, KvOutcome.Ok, applied.Result);
    }

    private void Complete(Client c, KvOutcome outcome, CommandResult? result)
    {
        if (_deaf is not null && outcome == KvOutcome.Ok && c.Invoked > _o.DeafenLeaderAt && _now < _o.FaultPhase) _okAfterDeafened++;
        if (c.Current!.Decoded() is JournalAppend or ReadBarrier)
        {
            if (c.Current.Decoded() is JournalAppend && outcome == KvOutcome.Ok) c.Appended.Add((c.JournalNext++, _now));
            c.Current = null;
            c.Done++;
            return;
        }
        if (c.Current!.Decoded() is RingOp)
        {
            // Ring changes are checked by the replicas agreeing on the ring, not by the key-value checker.
            c.Current = null;
            c.Done++;
            return;
        }
        var op = c.Current!.Decoded();
        string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);
        var (kind, value, expected) = op switch
        {
            KvPut p => (KvOpKind.Put, S(p.Value), (string?)null),
            KvGet => (KvOpKind.Get, null, null),
            KvCas cas => (KvOpKind.Cas, S(cas.NewValue), S(cas.Expected)),
            _ => (KvOpKind.Delete, (string?)null, (string?)null),
        };
        string? output = null;
        var swapped = false;
        if (result is not null)
        {
            if (op is KvGet) output = result.Status == CommandStatus.Ok ? S(result.Value) : null;
            if (op is KvCas) swapped = result.Status == CommandStatus.Ok;
        }
        _history.Add(new KvOperation(c.Id, kind, ((KvOp)op).Key, value, expected, c.Invoked, _now, outcome, output, swapped));
        c.Current = null;
        c.Done++;
    }
}
