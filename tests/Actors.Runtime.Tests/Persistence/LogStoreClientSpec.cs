using Actors.Core.Journal;
using Actors.Core.Log;
using Actors.Runtime.Paxos;
using Actors.Runtime.Ring;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Persistence;

/// <summary>
/// The log-backed snapshot store against a stand-in for the node's entry point (<c>/user/log</c>, answering read barriers)
/// and replica (<c>/user/paxos/replica</c>, answering queries as the test scripts them): a failed read is a failure,
/// never "no snapshot", after which an entity would recover from its first event with the events before its snapshot
/// deleted.
/// </summary>
public sealed class LogStoreClientSpec() : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    actors.persistence.snapshot-store.request-timeout = 3s
    """).WithFallback(ActorsConfig.Reference))
{
    private static readonly StoredSnapshot Stored = new(7, DateTime.UtcNow.Ticks, 0, "", []);

    /// <summary>Answers every read barrier with slot 10.</summary>
    private sealed class Entry : ReceiveActor
    {
        public Entry() => Receive<SubmitLogOp>(_ => Sender.Tell(new CommandResult(CommandStatus.Ok, BitConverter.GetBytes(10L))));
    }

    /// <summary>Holds the replica stand-in as <c>replica</c>.</summary>
    private sealed class Paxos : ReceiveActor
    {
        public Paxos(Queue<object> answers) => Context.ActorOf(Props.Create(() => new Replica(answers)), "replica");
    }

    /// <summary>
    /// Answers each query with the next scripted answer: a failure as it is, anything else run through the query; the
    /// stored snapshot once the script is over.
    /// </summary>
    private sealed class Replica : ReceiveActor
    {
        public Replica(Queue<object> answers) => Receive<QueryLocal>(_ =>
        {
            var next = answers.TryDequeue(out var scripted) ? scripted : Stored;
            Sender.Tell(next is Status.Failure ? next : new QueryAnswer(next is NoAnswer ? null : next));
        });
    }

    /// <summary>A scripted answer of nothing found.</summary>
    private sealed class NoAnswer;

    private async Task<IActorRef> Store(params object[] answers)
    {
        Sys.ActorOf(Props.Create(() => new Entry()), "log");
        Sys.ActorOf(Props.Create(() => new Paxos(new Queue<object>(answers))), "paxos");
        // The replica stand-in exists once its parent's constructor has run: a query sent before would go to dead letters.
        await AwaitAssertAsync(async () => await Sys.ActorSelection("/user/paxos/replica").ResolveOne(TimeSpan.FromSeconds(1)),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        return Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor("actors.persistence.snapshot-store");
    }

    private async Task<object> Load(IActorRef store)
    {
        store.Tell(new LoadSnapshot("p", SnapshotSelectionCriteria.Latest, long.MaxValue), TestActor);
        return await ExpectMsgAsync<object>(TimeSpan.FromSeconds(10));
    }

    private async Task<object> Load(params object[] answers) => await Load(await Store(answers));

    [Fact]
    public async Task A_replica_behind_its_barrier_is_asked_again_and_the_snapshot_is_found()
    {
        var result = await Load(new Status.Failure(new ReplicaBehindException(3, 10)), Stored);
        Assert.Equal(7, Assert.IsType<LoadSnapshotResult>(result).Snapshot!.Metadata.SequenceNr);
    }

    [Fact]
    public async Task A_query_that_fails_fails_the_load_instead_of_finding_no_snapshot()
    {
        var result = await Load(new Status.Failure(new InvalidOperationException("the query broke")));
        Assert.Contains("the query broke", Assert.IsType<LoadSnapshotFailed>(result).Cause.ToString());
    }

    [Fact]
    public async Task After_a_run_of_failures_the_store_answers_again_as_soon_as_the_log_does()
    {
        // The log fails while it has no leader; a persistent actor is started again and loads again on every message.
        // The plugin's circuit breaker opens after a run of failures: with Akka's default (open for 60 s) the entities
        // stayed down for a minute or more after the log served again.
        var store = await Store(Enumerable.Range(0, 12).Select(object (_) => new Status.Failure(new TimeoutException("no leader"))).ToArray());
        for (var i = 0; i < 12; i++) Assert.IsType<LoadSnapshotFailed>(await Load(store));
        await AwaitAssertAsync(async () => Assert.IsType<LoadSnapshotResult>(await Load(store)), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task No_snapshot_is_an_answer_of_nothing()
    {
        var result = await Load(new NoAnswer());
        Assert.Null(Assert.IsType<LoadSnapshotResult>(result).Snapshot);
    }
}
