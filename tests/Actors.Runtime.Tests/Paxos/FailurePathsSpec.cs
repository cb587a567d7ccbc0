using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

/// <summary>Journal and snapshot store failures: the roles recover from what is durable and keep going.</summary>
[Collection("flaky stores")] // the stores' knobs are static
public sealed class FailurePathsSpec : TestKit
{
    private static readonly Config Stores = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "test-journal"
        akka.persistence.snapshot-store.plugin = "test-snapshots"
        test-journal {
          class = "Actors.Runtime.Tests.Support.RejectingJournal, Actors.Runtime.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        test-snapshots {
          class = "Actors.Runtime.Tests.Support.FailingSnapshotStore, Actors.Runtime.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        actors.paxos.snapshot-every = 2
        actors.paxos.tick-interval = 50ms
        """);

    /// <summary>This test's data directory: its own, since a directory keeps the acceptor list (here this node on its port) it was written under.</summary>
    private readonly string _dir;

    public FailurePathsSpec()
        : this(Path.Combine(Path.GetTempPath(), "actors-failures-" + Guid.NewGuid().ToString("N")[..8]))
    {
    }

    private FailurePathsSpec(string dir)
        : base(Stores.WithFallback(ActorsNode.BuildConfig(new NodeOptions { Port = FreePorts.Take(1)[0], DataDir = dir })), "actors")
    {
        _dir = dir;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private PaxosTransport Transport() => new(Sys, PaxosSettings.Create(Sys.Settings.Config));

    private static SlotValue Value(string v) =>
        new(ImmutableArray.Create(LogCommand.Of("c", 1, new KvPut("k", Encoding.UTF8.GetBytes(v)))));

    [Fact]
    public void An_acceptor_whose_write_is_rejected_restarts_from_its_journal_and_answers_from_it()
    {
        var transport = Transport();
        var proposer = CreateTestProbe();
        transport.RegisterLocal(PaxosRole.Proposer, proposer.Ref);
        var supervisor = ActorOf(Props.Create(() => new RestartingParent(AcceptorActor.Props(transport))), "paxos");

        RejectingJournal.RejectWhen = e => e is PromiseMade { Ballot.Round: 7 };
        var fingerprint = transport.Settings.Fingerprint;
        supervisor.Tell(new Prepare(new Ballot(7, 1), 0, 1, fingerprint));

        // Had memory stayed ahead of the journal, 6.1 would be refused for 7.1, a promise that is not durable.
        AwaitAssert(() =>
        {
            supervisor.Tell(new Prepare(new Ballot(6, 1), 0, 1, fingerprint));
            var reply = proposer.ExpectMsg<IPaxosMessage>(TimeSpan.FromSeconds(1));
            Assert.Equal(new Ballot(6, 1), Assert.IsType<Promise>(reply).Ballot);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
        Assert.Null(RejectingJournal.RejectWhen);
    }

    [Fact]
    public void A_save_of_the_state_the_journal_refuses_is_made_again_and_compaction_goes_on()
    {
        // The state is saved in pieces in the replica's journal; the journal refuses the first piece written.
        RejectingJournal.RejectWhen = e => e is StatePiece;
        var transport = Transport();
        var acceptor = CreateTestProbe();
        transport.RegisterLocal(PaxosRole.Acceptor, acceptor.Ref);
        transport.RegisterLocal(PaxosRole.Proposer, CreateTestProbe().Ref);
        var replica = Sys.ActorOf(ReplicaActor.Props(transport, LogRules.Default, CreateTestProbe().Ref), "replica");

        replica.Tell(new Decision(0, Value("a"), 1, new Ballot(1, 1), transport.Settings.Fingerprint));
        replica.Tell(new Decision(1, Value("b"), 1, new Ballot(1, 1), transport.Settings.Fingerprint));

        // Without saving again the acceptor would never be told to compact.
        var compact = acceptor.FishForMessage<LocalDelivery>(m => m is LocalDelivery { Message: Compact }, TimeSpan.FromSeconds(15));
        Assert.Equal(1, ((Compact)compact.Message).ThroughSlot);
        Assert.Null(RejectingJournal.RejectWhen);
    }

    /// <summary>Restarts its one child on failure, forwarding messages to it (as /user/paxos does).</summary>
    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props child)
        {
            var c = Context.ActorOf(child, "acceptor");
            ReceiveAny(m => c.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
    }
}
