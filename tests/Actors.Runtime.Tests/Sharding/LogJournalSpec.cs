using System.Collections.Immutable;
using Actors.Contracts.Counter;
using Actors.Runtime.Sharding;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Sharding;

/// <summary>Three nodes whose log-backed journal the cases share (each case uses persistence ids of its own).</summary>
public sealed class JournalCluster : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = new LocalCluster(3);
        await Cluster.AwaitLeader(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// The cases of Akka's journal and snapshot-store specs (Akka.Persistence.TCK is not served here), against the
/// log-backed plugins of a 3-node cluster, and recovery on a node other than the writer's.
/// </summary>
public sealed class LogJournalSpec(JournalCluster fixture) : TestKit("akka.loglevel = WARNING"), IClassFixture<JournalCluster>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _pid = "p-" + Guid.NewGuid().ToString("N")[..8];

    private IActorRef Journal(int node) => Akka.Persistence.Persistence.Instance.Apply(fixture.Cluster.Systems[node]!).JournalFor("actors.persistence.journal");

    private IActorRef Snapshots(int node) => Akka.Persistence.Persistence.Instance.Apply(fixture.Cluster.Systems[node]!).SnapshotStoreFor("actors.persistence.snapshot-store");

    private static Persistent Event(string pid, long seq, string writer = "w1") =>
        new(new CounterAdded("r" + seq, seq), seq, pid, "", false, ActorRefs.NoSender, writer);

    /// <summary>Writes events <paramref name="from"/>..<paramref name="to"/> one atomic write each, through node <paramref name="node"/>.</summary>
    private async Task Write(int node, long from, long to, string? pid = null)
    {
        pid ??= _pid;
        var probe = CreateTestProbe();
        var writes = Enumerable.Range((int)from, (int)(to - from + 1))
            .Select(s => (IPersistentEnvelope)new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(Event(pid, s))))
            .ToList();
        Journal(node).Tell(new WriteMessages(writes, probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Wait);
        for (var s = from; s <= to; s++)
            Assert.Equal(s, (await probe.ExpectMsgAsync<WriteMessageSuccess>(Wait)).Persistent.SequenceNr);
    }

    /// <summary>Replays through node <paramref name="node"/>; returns the sequence numbers replayed and the highest reported.</summary>
    private async Task<(long[] Replayed, long Highest)> Replay(int node, long from, long to, long max, string? pid = null)
    {
        var probe = CreateTestProbe();
        Journal(node).Tell(new ReplayMessages(from, to, max, pid ?? _pid, probe.Ref));
        var seqs = new List<long>();
        while (true)
        {
            var msg = await probe.ReceiveOneAsync(Wait);
            switch (msg)
            {
                case ReplayedMessage r:
                    Assert.Equal(pid ?? _pid, r.Persistent.PersistenceId);
                    Assert.Equal(new CounterAdded("r" + r.Persistent.SequenceNr, r.Persistent.SequenceNr), r.Persistent.Payload);
                    seqs.Add(r.Persistent.SequenceNr);
                    break;
                case RecoverySuccess done:
                    return (seqs.ToArray(), done.HighestSequenceNr);
                default:
                    throw new Xunit.Sdk.XunitException($"unexpected {msg}");
            }
        }
    }

    [Fact]
    public async Task Replay_gives_the_events_in_order_within_the_range_and_at_most_max()
    {
        await Write(0, 1, 5);
        Assert.Equal("[1,2,3,4,5] 5", Pair(await Replay(0, 1, long.MaxValue, long.MaxValue)));
        Assert.Equal(new long[] { 2, 3, 4 }, (await Replay(0, 2, 4, long.MaxValue)).Replayed);
        Assert.Equal(new long[] { 1, 2, 3 }, (await Replay(0, 1, long.MaxValue, 3)).Replayed);
        Assert.Empty((await Replay(0, 1, long.MaxValue, 0)).Replayed);
        Assert.Empty((await Replay(0, 3, 2, long.MaxValue)).Replayed);
        Assert.Equal("[] 0", Pair(await Replay(0, 1, long.MaxValue, long.MaxValue, "never-written-" + _pid)));
    }

    [Fact]
    public async Task Events_written_through_one_node_replay_on_every_other_node_at_once()
    {
        await Write(2, 1, 3);
        // No wait: the replay's read barrier covers every event acknowledged before it began.
        Assert.Equal("[1,2,3] 3", Pair(await Replay(0, 1, long.MaxValue, long.MaxValue)));
        Assert.Equal("[1,2,3] 3", Pair(await Replay(1, 1, long.MaxValue, long.MaxValue)));
    }

    [Fact]
    public async Task A_delete_removes_events_up_to_its_sequence_number_but_not_the_highest_sequence_number()
    {
        await Write(0, 1, 5);
        var probe = CreateTestProbe();
        Journal(1).Tell(new DeleteMessagesTo(_pid, 3, probe.Ref));
        Assert.Equal(3, (await probe.ExpectMsgAsync<DeleteMessagesSuccess>(Wait)).ToSequenceNr);
        Assert.Equal("[4,5] 5", Pair(await Replay(2, 1, long.MaxValue, long.MaxValue)));
        Journal(1).Tell(new DeleteMessagesTo(_pid, long.MaxValue, probe.Ref));
        await probe.ExpectMsgAsync<DeleteMessagesSuccess>(Wait);
        Assert.Equal("[] 5", Pair(await Replay(0, 1, long.MaxValue, long.MaxValue)));
    }

    [Fact]
    public async Task A_second_writer_of_a_sequence_number_fails_so_that_it_stops_and_the_first_writers_event_stays()
    {
        await Write(0, 1, 2);
        var probe = CreateTestProbe();
        var other = new Persistent(new CounterAdded("other", 99), 2, _pid, "", false, ActorRefs.NoSender, "w2");
        Journal(1).Tell(new WriteMessages([new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(other))], probe.Ref, 1));
        // A failure, not a rejection: after a rejection the writer would carry on and interleave its events with the other's.
        Assert.Contains("another incarnation", (await probe.ExpectMsgAsync<WriteMessagesFailed>(Wait)).Cause.Message);
        Assert.Equal(2, (await probe.ExpectMsgAsync<WriteMessageFailure>(Wait)).Persistent.SequenceNr);
        Assert.Equal("[1,2] 2", Pair(await Replay(2, 1, long.MaxValue, long.MaxValue)));
    }

    [Fact]
    public async Task A_counter_claims_its_stream_once_recovered_so_an_older_incarnation_cannot_add_what_it_would_not_see()
    {
        // The shard moved while node 0 was paused: its counter (the older incarnation) recovered before the newer one on
        // node 1, and neither has added since. Node 0 resumes and adds. Stored, that add would be acknowledged while the
        // newer incarnation, answering from memory, goes on reading 0.
        var id = "claim-" + Guid.NewGuid().ToString("N")[..8];
        var settings = ShardingSettings.Create(fixture.Cluster.Systems[0]!.Settings.Config);
        var older = fixture.Cluster.Systems[0]!.ActorOf(CounterEntity.Props(id, settings));
        Assert.Equal(0, (await older.Ask<CounterReply>(new CounterGet(id), Wait)).Value);
        var newer = fixture.Cluster.Systems[1]!.ActorOf(CounterEntity.Props(id, settings));
        Assert.Equal(0, (await newer.Ask<CounterReply>(new CounterGet(id), Wait)).Value);

        CounterReply? late = null;
        try
        {
            late = await older.Ask<CounterReply>(new CounterAdd(id, 5, "late"), TimeSpan.FromSeconds(10));
        }
        catch (AskTimeoutException)
        {
            // Refused: the older incarnation stops without answering, and its client retries elsewhere.
        }
        Assert.False(late is { Applied: true, Error: null }, $"the older incarnation's add was acknowledged: {late}");
        Assert.Equal(0, (await newer.Ask<CounterReply>(new CounterGet(id), Wait)).Value);
        Assert.Equal(7, (await newer.Ask<CounterReply>(new CounterAdd(id, 7, "now"), Wait)).Value);
    }

    [Fact]
    public async Task A_counter_started_again_and_again_keeps_few_events_as_its_claims_count_toward_snapshots()
    {
        // Each start writes a claim. Counting only adds toward snapshots, a counter that is read now and then (and
        // passivated in between) would keep every claim it ever wrote, on every node.
        var id = "starts-" + Guid.NewGuid().ToString("N")[..8];
        var system = fixture.Cluster.Systems[0]!;
        var settings = ShardingSettings.Create(Akka.Configuration.ConfigurationFactory.ParseString("actors.counter.snapshot-every = 3")
            .WithFallback(system.Settings.Config));
        async Task<int> Held()
        {
            var probe = CreateTestProbe();
            Journal(0).Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "counter-" + id, probe.Ref));
            var held = 0;
            while (await probe.ReceiveOneAsync(Wait) is ReplayedMessage) held++;
            return held;
        }
        for (var start = 1; start <= 10; start++)
        {
            var counter = system.ActorOf(CounterEntity.Props(id, settings));
            Assert.Equal(0, (await counter.Ask<CounterReply>(new CounterGet(id), Wait)).Value);
            // A snapshot, then the delete behind it, follow the third event.
            var n = start;
            await AwaitAssertAsync(async () =>
            {
                var held = await Held();
                Assert.True(held < 3, $"{held} events held after {n} starts with a snapshot every 3 events");
            }, Wait, TimeSpan.FromMilliseconds(100));
            Assert.True(await counter.GracefulStop(Wait));
        }
    }

    [Fact]
    public async Task An_atomic_write_of_several_events_is_stored_whole()
    {
        var probe = CreateTestProbe();
        var write = new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(Event(_pid, 1), Event(_pid, 2), Event(_pid, 3)));
        Journal(0).Tell(new WriteMessages([write], probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Wait);
        for (var s = 1; s <= 3; s++) await probe.ExpectMsgAsync<WriteMessageSuccess>(Wait);
        Assert.Equal("[1,2,3] 3", Pair(await Replay(1, 1, long.MaxValue, long.MaxValue)));
    }

    [Fact]
    public async Task The_snapshot_store_loads_the_newest_selected_snapshot_on_any_node_and_deletes_by_criteria()
    {
        var probe = CreateTestProbe();
        // A snapshot is of events written: write 1..30 first.
        Journal(0).Tell(new WriteMessages([new AtomicWrite(Enumerable.Range(1, 30).Select(s => (IPersistentRepresentation)Event(_pid, s)).ToImmutableList())], probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>(Wait);
        for (var s = 1; s <= 30; s++) await probe.ExpectMsgAsync<WriteMessageSuccess>(Wait);
        foreach (var seq in new long[] { 10, 20, 30 })
        {
            Snapshots(seq == 20 ? 1 : 0).Tell(new SaveSnapshot(new SnapshotMetadata(_pid, seq, new DateTime(2026, 1, 1, 0, 0, (int)seq, DateTimeKind.Utc)),
                new CounterSnapshot(seq, ["r" + seq])), probe.Ref);
            await probe.ExpectMsgAsync<SaveSnapshotSuccess>(Wait);
        }
        async Task<long?> Load(int node, SnapshotSelectionCriteria criteria)
        {
            Snapshots(node).Tell(new LoadSnapshot(_pid, criteria, long.MaxValue), probe.Ref);
            var result = await probe.ExpectMsgAsync<LoadSnapshotResult>(Wait);
            if (result.Snapshot is null) return null;
            Assert.Equal(result.Snapshot.Metadata.SequenceNr, ((CounterSnapshot)result.Snapshot.Snapshot).Value);
            return result.Snapshot.Metadata.SequenceNr;
        }
        Assert.Equal(30, await Load(2, SnapshotSelectionCriteria.Latest));
        Assert.Equal(20, await Load(1, new SnapshotSelectionCriteria(25)));
        Assert.Equal(10, await Load(0, new SnapshotSelectionCriteria(long.MaxValue, new DateTime(2026, 1, 1, 0, 0, 15, DateTimeKind.Utc))));
        Assert.Null(await Load(0, new SnapshotSelectionCriteria(5)));

        Snapshots(1).Tell(new DeleteSnapshot(new SnapshotMetadata(_pid, 30, DateTime.MinValue)), probe.Ref);
        await probe.ExpectMsgAsync<DeleteSnapshotSuccess>(Wait);
        Assert.Equal(20, await Load(2, SnapshotSelectionCriteria.Latest));
        Snapshots(2).Tell(new DeleteSnapshots(_pid, new SnapshotSelectionCriteria(20)), probe.Ref);
        await probe.ExpectMsgAsync<DeleteSnapshotsSuccess>(Wait);
        Assert.Null(await Load(0, SnapshotSelectionCriteria.Latest));
    }

    /// <summary>Replayed sequence numbers and the highest, as text (tuples compare arrays by reference).</summary>
    private static string Pair((long[] Replayed, long Highest) r) => $"[{string.Join(",", r.Replayed)}] {r.Highest}";
}
