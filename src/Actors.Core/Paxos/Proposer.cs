using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>Where a proposer stands.</summary>
public enum ProposerRole
{
    Follower = 0,
    Candidate = 1,
    Leader = 2,

    /// <summary>A node outside the acceptor set: follows the leader, forwards client commands, never campaigns.</summary>
    Learner = 3,
}

/// <summary>
/// The proposer role (distinguished proposer when leading) as a deterministic state machine.
/// <para>
/// A follower that hears no heartbeat for a randomized election timeout first asks the other members whether they have
/// lost the leader too (<see cref="PreVote"/>, Raft's pre-vote): a member that leads or heard its leader within an election
/// timeout says no. With a majority of yeses (itself included) it becomes a candidate: it runs
/// phase 1 once for every slot from the first one it does not know chosen. A node that can send but not hear (a one-way
/// cut) thus never raises the ballot over a live leader. A leader that has heard fewer than a majority of acceptors for two
/// election timeouts steps down (CheckQuorum), so a leader whose heartbeats get out but whose answers do not get in does not
/// hold its followers forever; it probes acceptors silent for half an election timeout (a read probe of round 0). With a majority of promises
/// it leads: it re-proposes, per open slot, the value accepted at the highest ballot, fills gaps with
/// no-ops, and from then on runs phase 2 only, with a window of slots in flight, each carrying a batch of client
/// commands. The window starts at <see cref="PaxosConfig.Window"/>, doubles (up to <see cref="PaxosConfig.MaxWindow"/>)
/// while it is full and a full batch still waits, and halves back while the leader is idle: small windows make big
/// batches (fewer messages and writes per command), and the window widens only when batches cannot absorb the load. A nack with a higher ballot makes it step down and
/// wait a fresh random timeout before it campaigns again.
/// </para>
/// <para>
/// A proposer whose node is not in <see cref="PaxosConfig.Members"/> is a learner: it never campaigns, follows
/// heartbeats, forwards client commands to the leader (holding them while no leader is known) and forgets a
/// leader it has not heard from for an election timeout. A leader sends its heartbeats and decisions to the
/// acceptors and to every learner named by the latest <see cref="LearnersChanged"/>.
/// </para>
/// <para>
/// Reads off the log (read index, as etcd serves linearizable reads): a leader collects the <see cref="ReadIndexRequest"/>s
/// of every replica; for each round it takes the highest slot it has proposed as the read index, asks every acceptor
/// whether it has promised anything above its ballot (<see cref="ReadProbe"/>), and once a majority says no, grants the
/// round's requests that index. Any write acknowledged before a request arrived was chosen at or below it: by this leader,
/// or by an earlier one, whose values this leader's phase 1 found and proposed again. A majority that confirms after the
/// request arrived means no later leader had won by then. A deposed leader cannot get that majority, so it never grants.
/// Other proposers forward requests to the leader they follow.
/// </para>
/// The proposer never reads a clock or draws randomness of its own: time arrives as <see cref="Tick"/>
/// inputs and randomness from the <see cref="Random"/> it is given.
/// </summary>
public sealed class Proposer
{
    private sealed class InFlight(SlotValue value, long sentAt)
    {
        public SlotValue Value { get; } = value;
        public HashSet<int> AcceptedBy { get; } = new();
        public long SentAt { get; set; } = sentAt;
    }

    private readonly PaxosConfig _config;
    private readonly Random _random;
    private readonly Func<long> _clock;
    private readonly Dictionary<int, Promise> _promises = new();
    private readonly Dictionary<int, Dictionary<int, Promise>> _promisePages = new();
    private readonly SortedDictionary<long, InFlight> _inFlight = new();
    private readonly HashSet<long> _chosenAhead = new();
    private readonly Queue<LogCommand> _pending = new();

    /// <summary>The commands in <see cref="_pending"/> by (client id, seq): a command submitted again while a copy waits is held once.</summary>
    private readonly Dictionary<(string, long), List<LogCommand>> _pendingKeys = new();
    private ImmutableArray<int> _learners = ImmutableArray<int>.Empty;
    private List<ReadIndexRequest> _readsWaiting = new();
    private List<ReadIndexRequest> _readsProbing = new();
    private readonly HashSet<int> _probeAcks = new();
    private bool _probing;
    private long _probeRound;
    private long _probeIndex;
    private long _probeSentAt;

    private long _pendingBytes;
    private int _window;
    private long _now;

    /// <summary>When the election timer last started: a heartbeat, a campaign, a pre-vote, a step-down.</summary>
    private long _lastHeard;

    /// <summary>When this node last heard a heartbeat of the leader it follows (what a pre-vote is answered by).</summary>
    private long _leaderHeardAt = long.MinValue / 2;

    /// <summary>The ballot of the pre-vote under way, or null; and the members that granted it (this node included).</summary>
    private Ballot? _preVote;
    private readonly HashSet<int> _preVotes = new();

    /// <summary>While leading: when each acceptor last answered this ballot (Accepted, a probe's answer, its promise).</summary>
    private readonly Dictionary<int, long> _heardFrom = new();
    private long _leaderSince;
    private long _lastHeartbeat;
    private long _lastProposal;
    private int _electionTimeout;

    /// <param name="config">Shared Paxos parameters.</param>
    /// <param name="self">This node's id.</param>
    /// <param name="random">The only source of randomness (election timeouts).</param>
    /// <param name="durableRound">The highest round this node ever campaigned with, as its driver recovered it from
    /// durable storage (0: never). Every campaign uses a higher round, so no ballot is used twice.</param>
    /// <param name="clock">The leader's clock for the stamps of the slots it proposes (milliseconds at run time, any
    /// unit in a simulation; null: no stamps). It is read, never trusted for order: replicas keep the maximum.</param>
    public Proposer(PaxosConfig config, int self, Random random, long durableRound = 0, Func<long>? clock = null)
    {
        _clock = clock ?? (() => 0);
        _config = config.Validate();
        if (durableRound < 0) throw new ArgumentOutOfRangeException(nameof(durableRound), "a round is never negative");
        Self = self;
        IsLearner = !config.IsMember(self);
        Role = FollowingRole;
        _random = random;
        DurableRound = durableRound;
        _window = _config.Window;
        _electionTimeout = NextElectionTimeout();
    }

    public int Self { get; }

    /// <summary>True when this node is not an acceptor: it never campaigns.</summary>
    public bool IsLearner { get; }

    public ProposerRole Role { get; private set; }

    /// <summary>The highest round this proposer asked its driver to make durable (or recovered).</summary>
    public long DurableRound { get; private set; }

    /// <summary>This proposer's ballot while it campaigns or leads.</summary>
    public Ballot Ballot { get; private set; } = Ballot.Zero;

    /// <summary>The highest ballot seen anywhere.</summary>
    public Ballot HighestSeen { get; private set; } = Ballot.Zero;

    /// <summary>The leader this node follows (itself when leading), or null while unknown.</summary>
    public int? Leader { get; private set; }

    /// <summary>Every slot below this one is known chosen.</summary>
    public long FirstUnchosen { get; private set; }

    /// <summary>Next slot a new batch goes into (meaningful while leading).</summary>
    public long NextSlot { get; private set; }

    public int InFlightCount => _inFlight.Count;

    public int PendingCount => _pending.Count;

    /// <summary>Slots the leader may have in phase 2 at once now (see <see cref="PaxosConfig.MaxWindow"/>).</summary>
    public int Window => _window;

    /// <summary>Read-index requests a leader holds: waiting for the next round of probes, and in the current one.</summary>
    public int ReadsHeld => _readsWaiting.Count + _readsProbing.Count;

    /// <summary>The learners a leader sends heartbeats and decisions to.</summary>
    public ImmutableArray<int> Learners => _learners;

    /// <summary>Handles one input.</summary>
    public Effects Step(IPaxosMessage message)
    {
        var fx = new Effects();
        switch (message)
        {
            case Tick:
                OnTick(fx);
                break;
            case Submit s:
                OnSubmit(s, fx);
                break;
            case Promise p:
                OnPromise(p, fx);
                break;
            case Accepted a:
                OnAccepted(a, fx);
                break;
            case Nack n:
                OnHigherBallot(n.Promised);
                break;
            case Heartbeat h:
                OnHeartbeat(h, fx);
                break;
            case HeartbeatNack hn:
                OnHigherBallot(hn.Known);
                break;
            case PreVote v:
                OnPreVote(v, fx);
                break;
            case PreVoteReply r:
                OnPreVoteReply(r, fx);
                break;
            case AppliedThrough applied:
                if (applied.Slot + 1 > FirstUnchosen) FirstUnchosen = applied.Slot + 1;
                break;
            case SlotsCompacted c:
                OnSlotsCompacted(c, fx);
                break;
            case ReadIndexRequest r:
                OnReadIndexRequest(r, fx);
                break;
            case ReadProbeAck a:
                OnReadProbeAck(a, fx);
                break;
            case LearnersChanged l:
                _learners = l.Ids.Where(id => id != Self && !_config.IsMember(id)).Distinct().Order().ToImmutableArray();
                break;
        }
        return fx;
    }

    /// <summary>The role between leaders: a learner stays a learner.</summary>
    private ProposerRole FollowingRole => IsLearner ? ProposerRole.Learner : ProposerRole.Follower;

    private int NextElectionTimeout() =>
        _config.ElectionTimeoutTicks + _random.Next(_config.ElectionTimeoutTicks);

    private void See(Ballot b)
    {
        if (b > HighestSeen) HighestSeen = b;
    }

    private void OnTick(Effects fx)
    {
        _now++;
        switch (Role)
        {
            case ProposerRole.Leader:
                if (LostQuorum())
                {
                    // CheckQuorum: no majority of acceptors answered for a while (a cut that lets this node's heartbeats out
                    // but nothing back in): stop holding the followers with heartbeats, so one of them can take over.
                    StepDown();
                    break;
                }
                if (_now - _lastHeartbeat >= _config.HeartbeatTicks)
                {
                    SendHeartbeats(fx);
                    ProbeSilentAcceptors(fx);
                }
                Retransmit(fx);
                if (_probing && _now - _probeSentAt >= _config.RetransmitTicks) SendProbes(fx);
                if (_inFlight.Count == 0 && _pending.Count == 0 && _window > _config.Window)
                    _window = Math.Max(_config.Window, _window / 2);
                if (_inFlight.Count == 0 && _pending.Count == 0 && _now - _lastProposal >= _config.IdleStampTicks)
                    Propose(new SlotValue(ImmutableArray<LogCommand>.Empty, _clock()), fx);
                break;
            case ProposerRole.Learner:
                // Never campaigns. A leader silent for an election timeout is no longer known, so client
                // commands are held until the next leader's heartbeat instead of forwarded into the void.
                if (Leader is not null && _now - _lastHeard >= _electionTimeout) Leader = null;
                break;
            default:
                // A follower since it last heard a leader, a candidate since its campaign began: ask first.
                if (_now - _lastHeard >= _electionTimeout) StartPreVote(fx);
                break;
        }
    }

    /// <summary>
    /// Ticks a leader waits for a majority of acceptors to answer before it steps down (CheckQuorum): two election
    /// timeouts, in which a healthy leader hears them many times (its accepts, its idle stamps, its liveness probes).
    /// </summary>
    public int CheckQuorumTicks => 2 * _config.ElectionTimeoutTicks;

    /// <summary>True for a leader that has led for a while and heard fewer than a majority of acceptors (itself included) lately.</summary>
    private bool LostQuorum()
    {
        if (!_config.CheckQuorum || _now - _leaderSince < CheckQuorumTicks) return false;
        var heard = 1 + _config.Members.Count(m => m != Self && _heardFrom.TryGetValue(m, out var at) && _now - at < CheckQuorumTicks);
        return heard < _config.Quorum;
    }

    /// <summary>Acceptors silent for half an election timeout get a liveness probe (a read probe of round 0, which needs no write).</summary>
    private void ProbeSilentAcceptors(Effects fx)
    {
        var silentFor = Math.Max(1, _config.ElectionTimeoutTicks / 2);
        foreach (var m in _config.Members)
            if (m != Self && (!_heardFrom.TryGetValue(m, out var at) || _now - at >= silentFor))
                fx.Send.Add(new Outbound(m, PaxosRole.Acceptor, new ReadProbe(Ballot, 0, Self)));
    }

    private void Heard(int acceptor)
    {
        if (Role == ProposerRole.Leader) _heardFrom[acceptor] = _now;
    }

    /// <summary>
    /// The election timer ran out: this node takes the leader for gone and asks the other members whether they do too
    /// (pre-vote). It campaigns only once a majority, itself included, says so, so a node that hears nobody never
    /// raises the ballot over a leader the others still follow.
    /// </summary>
    private void StartPreVote(Effects fx)
    {
        Leader = null;
        _lastHeard = _now;
        _electionTimeout = NextElectionTimeout();
        _preVote = new Ballot(Math.Max(HighestSeen.Round, DurableRound) + 1, Self);
        _preVotes.Clear();
        _preVotes.Add(Self);
        if (_preVotes.Count >= _config.Quorum || !_config.PreVote)
        {
            Campaign(fx);
            return;
        }
        var ask = new PreVote(_preVote.Value, Self, _config.Fingerprint);
        foreach (var m in _config.Members)
            if (m != Self) fx.Send.Add(new Outbound(m, PaxosRole.Proposer, ask));
    }

    private void OnPreVote(PreVote v, Effects fx)
    {
        if (IsLearner || v.From == Self) return;
        // Granted unless this node leads or heard its leader within an election timeout. Nothing changes here either way:
        // no ballot is seen, no timer reset.
        var leaderAlive = Role == ProposerRole.Leader || (Leader is not null && _now - _leaderHeardAt < _config.ElectionTimeoutTicks);
        fx.Send.Add(new Outbound(v.From, PaxosRole.Proposer, new PreVoteReply(v.Ballot, !leaderAlive, Self)));
    }

    private void OnPreVoteReply(PreVoteReply r, Effects fx)
    {
        if (_preVote is not { } asked || r.Ballot != asked || !r.Granted || !_config.IsMember(r.From)) return;
        if (Role == ProposerRole.Leader) return;
        _preVotes.Add(r.From);
        if (_preVotes.Count < _config.Quorum) return;
        Campaign(fx);
    }

    private void Campaign(Effects fx)
    {
        _preVote = null;
        Role = ProposerRole.Candidate;
        Leader = null;
        // Above every ballot seen and every round this node used before, in this incarnation or an earlier one;
        // the driver makes the round durable before the prepares leave.
        var round = Math.Max(HighestSeen.Round, DurableRound) + 1;
        Ballot = new Ballot(round, Self);
        DurableRound = round;
        fx.PersistRound = round;
        See(Ballot);
        _promises.Clear();
        _promisePages.Clear();
        _inFlight.Clear();
        DropReads();
        _lastHeard = _now;
        _electionTimeout = NextElectionTimeout();
        foreach (var m in _config.Members)
            fx.Send.Add(new Outbound(m, PaxosRole.Acceptor, new Prepare(Ballot, FirstUnchosen, Self, _config.Fingerprint)));
    }

    private void OnPromise(Promise p, Effects fx)
    {
        See(p.Ballot);
        if (Role != ProposerRole.Candidate || p.Ballot != Ballot) return;
        if (p.Pages > 1)
        {
            // A paged promise counts once every page is here; pages may arrive in any order, twice, or not at all.
            if (p.Page < 0 || p.Page >= p.Pages) return;
            if (!_promisePages.TryGetValue(p.From, out var pages)) _promisePages[p.From] = pages = new();
            // A duplicated prepare can be answered twice, with a compaction in between that shifts what each page
            // holds: pages of two answers must never be mixed, or slots between them would go missing. Only the
            // acceptor's compaction changes between two answers to one ballot, so it tells the answers apart.
            if (pages.Values.FirstOrDefault() is { } held && (held.Pages != p.Pages || held.CompactedThrough != p.CompactedThrough))
            {
                if (p.CompactedThrough < held.CompactedThrough) return; // a page of the older answer
                pages.Clear();
            }
            pages[p.Page] = p;
            if (pages.Count < p.Pages) return;
            p = p with { Accepted = pages.OrderBy(x => x.Key).SelectMany(x => x.Value.Accepted).ToImmutableArray(), Page = 0, Pages = 1 };
            _promisePages.Remove(p.From);
        }
        _promises[p.From] = p;
        if (_promises.Count < _config.Quorum) return;
        var promised = _promises.Keys.ToList();
        BecomeLeader(fx);
        foreach (var m in promised) Heard(m);
    }

    private void BecomeLeader(Effects fx)
    {
        Role = ProposerRole.Leader;
        Leader = Self;
        _leaderSince = _now;
        _heardFrom.Clear();

        // Slots an acceptor compacted are chosen and covered by a snapshot: never propose into them.
        var start = Math.Max(FirstUnchosen, _promises.Values.Max(p => p.CompactedThrough) + 1);
        var highest = new Dictionary<long, AcceptedSlot>();
        foreach (var a in _promises.Values.SelectMany(p => p.Accepted))
        {
            if (a.Slot < start) continue;
            if (!highest.TryGetValue(a.Slot, out var h) || a.Ballot > h.Ballot) highest[a.Slot] = a;
            else if (a.Ballot == h.Ballot && !a.Value.ContentEquals(h.Value))
                fx.Errors.Add($"proposer {Self}: acceptors hold two values for slot {a.Slot} at ballot {a.Ballot} (a ballot was reused)");
        }
        var end = highest.Count == 0 ? start : Math.Max(start, highest.Keys.Max() + 1);

        FirstUnchosen = start;
        NextSlot = start;
        _window = _config.Window;
        DropReads();
        _promises.Clear();
        _promisePages.Clear();
        _chosenAhead.RemoveWhere(s => s < start);
        for (var slot = start; slot < end; slot++)
            Propose(highest.TryGetValue(slot, out var a) ? a.Value : SlotValue.NoOp, fx);

        SendHeartbeats(fx);
        ProposePending(fx);
    }

    private void Propose(SlotValue value, Effects fx)
    {
        var slot = NextSlot++;
        _lastProposal = _now;
        _inFlight[slot] = new InFlight(value, _now);
        var accept = new Accept(Ballot, slot, value, Self);
        foreach (var m in _config.Members)
            fx.Send.Add(new Outbound(m, PaxosRole.Acceptor, accept));
    }

    private void ProposePending(Effects fx)
    {
        while (Role == ProposerRole.Leader && _pending.Count > 0)
        {
            if (_inFlight.Count >= _window)
            {
                // Every slot in flight and a full batch still waiting: batching no longer absorbs the load, widen.
                var fullBatchWaits = _pending.Count >= _config.MaxBatch || _pendingBytes >= _config.MaxBatchBytes;
                if (!fullBatchWaits || _window >= _config.MaxWindow) break;
                _window = Math.Min(_config.MaxWindow, _window * 2);
            }
            var batch = ImmutableArray.CreateBuilder<LogCommand>(Math.Min(_pending.Count, _config.MaxBatch));
            long bytes = 0;
            while (_pending.Count > 0 && batch.Count < _config.MaxBatch)
            {
                var size = SlotValue.EncodedSize(_pending.Peek());
                if (batch.Count > 0 && bytes + size > _config.MaxBatchBytes) break;
                bytes += size;
                batch.Add(Dequeue());
            }
            Propose(new SlotValue(batch.ToImmutable(), _clock()), fx);
        }
    }

    private void Enqueue(LogCommand c)
    {
        _pending.Enqueue(c);
        if (!_pendingKeys.TryGetValue((c.ClientId, c.Seq), out var held)) _pendingKeys[(c.ClientId, c.Seq)] = held = new(1);
        held.Add(c);
        _pendingBytes += SlotValue.EncodedSize(c);
    }

    private LogCommand Dequeue()
    {
        var c = _pending.Dequeue();
        var key = (c.ClientId, c.Seq);
        if (_pendingKeys.TryGetValue(key, out var held) && held.Remove(c) && held.Count == 0) _pendingKeys.Remove(key);
        _pendingBytes -= SlotValue.EncodedSize(c);
        return c;
    }

    private void OnAccepted(Accepted a, Effects fx)
    {
        if (Role != ProposerRole.Leader || a.Ballot != Ballot) return;
        Heard(a.From);
        if (!_inFlight.TryGetValue(a.Slot, out var entry)) return;
        entry.AcceptedBy.Add(a.From);
        if (entry.AcceptedBy.Count < _config.Quorum) return;

        _inFlight.Remove(a.Slot);
        var decision = new Decision(a.Slot, entry.Value, Self, Ballot, _config.Fingerprint);
        foreach (var m in _config.Members)
            fx.Send.Add(new Outbound(m, PaxosRole.Replica, decision));
        foreach (var l in _learners)
            fx.Send.Add(new Outbound(l, PaxosRole.Replica, decision));

        _chosenAhead.Add(a.Slot);
        while (_chosenAhead.Remove(FirstUnchosen)) FirstUnchosen++;
        ProposePending(fx);
    }

    private void OnSlotsCompacted(SlotsCompacted c, Effects fx)
    {
        // The slots are chosen, but with a value this leader may not hold (a higher ballot may have chosen another
        // one): drop them from the window without a decision; the replica learns them by catching up.
        if (c.ThroughSlot + 1 > FirstUnchosen) FirstUnchosen = c.ThroughSlot + 1;
        _chosenAhead.RemoveWhere(s => s < FirstUnchosen);
        while (_chosenAhead.Remove(FirstUnchosen)) FirstUnchosen++;
        if (Role != ProposerRole.Leader) return;

        foreach (var slot in _inFlight.Keys.TakeWhile(s => s <= c.ThroughSlot).ToList()) _inFlight.Remove(slot);
        if (NextSlot < FirstUnchosen) NextSlot = FirstUnchosen;
        // The leader's own replica hears how far the log is chosen only from here; tell it now so it catches up.
        fx.Send.Add(new Outbound(Self, PaxosRole.Replica, new CommitInfo(Self, FirstUnchosen)));
        ProposePending(fx);
    }

    private void OnHeartbeat(Heartbeat h, Effects fx)
    {
        See(h.Ballot);
        if (h.Leader == Self) return;
        // Below the highest ballot seen is also below the one this node follows or campaigns with.
        if (h.Ballot < HighestSeen)
        {
            fx.Send.Add(new Outbound(h.Leader, PaxosRole.Proposer, new HeartbeatNack(HighestSeen, Self)));
            return;
        }

        var wasFollowing = Role == FollowingRole && Leader == h.Leader;
        Role = FollowingRole;
        Ballot = h.Ballot;
        Leader = h.Leader;
        _lastHeard = _now;
        _leaderHeardAt = _now;
        _preVote = null;
        _inFlight.Clear();
        _promises.Clear();
        DropReads();
        fx.Send.Add(new Outbound(Self, PaxosRole.Replica, new CommitInfo(h.Leader, h.FirstUnchosen)));
        if (!wasFollowing || _pending.Count > 0) ForwardPending(fx);
    }

    private void OnHigherBallot(Ballot b)
    {
        See(b);
        if (b > Ballot && Role is ProposerRole.Candidate or ProposerRole.Leader) StepDown();
    }

    private void StepDown()
    {
        Role = FollowingRole;
        Leader = null;
        _inFlight.Clear();
        _promises.Clear();
        DropReads();
        _lastHeard = _now;
        _electionTimeout = NextElectionTimeout();
    }

    private void OnSubmit(Submit s, Effects fx)
    {
        if (Role != ProposerRole.Leader && Leader is { } leader && s.Hops < 2)
        {
            fx.Send.Add(new Outbound(leader, PaxosRole.Proposer, s with { Hops = s.Hops + 1 }));
            return;
        }
        // Leading, or no leader known (the commands wait for one): held up to MaxPending either way, so a leader cut off
        // from the acceptors holds no more than a follower that knows no leader. What does not fit is refused; commands
        // submitted on this node are reported to its entry (an "overloaded" answer), forwarded ones are retried by theirs.
        foreach (var c in s.Commands)
        {
            if (IsPending(c)) continue;
            if (_pending.Count < _config.MaxPending) Enqueue(c);
            else if (s.Hops == 0) fx.Refused.Add(c);
        }
        if (Role == ProposerRole.Leader) ProposePending(fx);
    }

    /// <summary>True when a copy of <paramref name="c"/> (the same client, seq and operation) already waits.</summary>
    private bool IsPending(LogCommand c) =>
        _pendingKeys.TryGetValue((c.ClientId, c.Seq), out var held) && held.Exists(h => LogCommand.ContentEquals(h, c));

    private void OnReadIndexRequest(ReadIndexRequest r, Effects fx)
    {
        if (Role == ProposerRole.Leader)
        {
            // A replica's newer request carries every read of its older ones: keep one per replica, so what waits stays
            // bounded while no round can finish (a leader cut off from the acceptors).
            _readsWaiting.RemoveAll(w => w.From == r.From);
            _readsWaiting.Add(r);
            if (!_probing) StartProbes(fx);
            return;
        }
        // Not leading: pass it on to the leader followed; with none known the replica asks again.
        if (Leader is { } leader && leader != Self && r.Hops < 2)
            fx.Send.Add(new Outbound(leader, PaxosRole.Proposer, r with { Hops = r.Hops + 1 }));
    }

    /// <summary>A new round: the requests waiting now, the highest slot proposed so far as their index.</summary>
    private void StartProbes(Effects fx)
    {
        _probing = true;
        _probeRound++;
        _probeIndex = NextSlot - 1;
        (_readsProbing, _readsWaiting) = (_readsWaiting, _readsProbing);
        _readsWaiting.Clear();
        _probeAcks.Clear();
        SendProbes(fx);
    }

    private void SendProbes(Effects fx)
    {
        _probeSentAt = _now;
        var probe = new ReadProbe(Ballot, _probeRound, Self);
        foreach (var m in _config.Members)
            if (!_probeAcks.Contains(m)) fx.Send.Add(new Outbound(m, PaxosRole.Acceptor, probe));
    }

    private void OnReadProbeAck(ReadProbeAck a, Effects fx)
    {
        if (Role != ProposerRole.Leader || a.Ballot != Ballot) return;
        Heard(a.From);
        // Round 0 is a liveness probe (CheckQuorum); reads are granted by their own rounds only.
        if (!_probing || a.Round != _probeRound) return;
        if (!_config.IsMember(a.From) || !_probeAcks.Add(a.From) || _probeAcks.Count < _config.Quorum) return;
        foreach (var r in _readsProbing)
            fx.Send.Add(new Outbound(r.From, PaxosRole.Replica, new ReadIndexGrant(r.Id, _probeIndex, Self)));
        _readsProbing.Clear();
        _probing = false;
        if (_readsWaiting.Count > 0) StartProbes(fx);
    }

    /// <summary>Leadership ended or changed hands: grant nothing more; the replicas ask again.</summary>
    private void DropReads()
    {
        _readsWaiting.Clear();
        _readsProbing.Clear();
        _probeAcks.Clear();
        _probing = false;
    }

    private void ForwardPending(Effects fx)
    {
        if (_pending.Count == 0 || Leader is not { } leader) return;
        foreach (var part in SplitByBytes(_pending, _config.MaxBatchBytes))
            fx.Send.Add(new Outbound(leader, PaxosRole.Proposer, new Submit(part, 1)));
        _pending.Clear();
        _pendingKeys.Clear();
        _pendingBytes = 0;
    }

    /// <summary>
    /// Cuts <paramref name="commands"/> into consecutive parts of at most <paramref name="maxBytes"/> approximate bytes
    /// (a command larger than that travels alone), so every message stays below the transport's frame size.
    /// </summary>
    public static IEnumerable<ImmutableArray<LogCommand>> SplitByBytes(IEnumerable<LogCommand> commands, long maxBytes)
    {
        var part = ImmutableArray.CreateBuilder<LogCommand>();
        long bytes = 0;
        foreach (var c in commands)
        {
            var size = SlotValue.EncodedSize(c);
            if (part.Count > 0 && bytes + size > maxBytes)
            {
                yield return part.ToImmutable();
                part.Clear();
                bytes = 0;
            }
            part.Add(c);
            bytes += size;
        }
        if (part.Count > 0) yield return part.ToImmutable();
    }

    private void SendHeartbeats(Effects fx)
    {
        _lastHeartbeat = _now;
        var hb = new Heartbeat(Ballot, Self, FirstUnchosen, _config.Fingerprint);
        foreach (var m in _config.Members)
            if (m != Self) fx.Send.Add(new Outbound(m, PaxosRole.Proposer, hb));
        foreach (var l in _learners)
            fx.Send.Add(new Outbound(l, PaxosRole.Proposer, hb));
        fx.Send.Add(new Outbound(Self, PaxosRole.Replica, new CommitInfo(Self, FirstUnchosen)));
    }

    private void Retransmit(Effects fx)
    {
        foreach (var (slot, entry) in _inFlight)
        {
            if (_now - entry.SentAt < _config.RetransmitTicks) continue;
            entry.SentAt = _now;
            var accept = new Accept(Ballot, slot, entry.Value, Self);
            foreach (var m in _config.Members)
                if (!entry.AcceptedBy.Contains(m)) fx.Send.Add(new Outbound(m, PaxosRole.Acceptor, accept));
        }
    }
}
