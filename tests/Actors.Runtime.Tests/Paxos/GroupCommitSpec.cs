using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;
using Actors.Core.Log;

namespace Actors.Runtime.Tests.Paxos;

/// <summary>The acceptor's group commit against a journal whose writes the test holds, releases and fails.</summary>
[Collection("flaky stores")] // the journal's gate is static
public sealed class GroupCommitSpec : TestKit
{
    private static readonly Config Journal = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "gated-journal"
        gated-journal {
          class = "Actors.Runtime.Tests.Support.GatedJournal, Actors.Runtime.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """);

    private static readonly string Dir = Path.Combine(Path.GetTempPath(), "actors-group-" + Guid.NewGuid().ToString("N")[..8]);

    public GroupCommitSpec()
        : base(Journal.WithFallback(ActorsNode.BuildConfig(new NodeOptions { Port = FreePorts.Take(1)[0], DataDir = Dir })), "actors")
    {
        GatedJournal.Open();
    }

    private static SlotValue Value(long slot) =>
        new(ImmutableArray.Create(LogCommand.Of("c", slot + 1, new KvPut("k", Encoding.UTF8.GetBytes("v" + slot)))));

    [Fact]
    public void Accepts_that_wait_behind_a_write_are_persisted_in_one_write_and_a_crash_in_it_loses_them_unanswered()
    {
        var transport = new PaxosTransport(Sys, PaxosSettings.Create(Sys.Settings.Config));
        var proposer = CreateTestProbe();
        transport.RegisterLocal(PaxosRole.Proposer, proposer.Ref);
        var acceptor = Sys.ActorOf(AcceptorActor.Props(transport), "acceptor");
        Watch(acceptor);
        var ballot = new Ballot(5, 1);

        GatedJournal.Close();
        acceptor.Tell(new Prepare(ballot, 0, 1, transport.Settings.Fingerprint));
        AwaitCondition(() => GatedJournal.Writes.Count == 1);
        // The promise is being written; five accepts arrive meanwhile and wait in the open group.
        for (var slot = 0L; slot < 5; slot++) acceptor.Tell(new Accept(ballot, slot, Value(slot), 1));
        GatedJournal.Release();
        Assert.Equal(ballot, proposer.ExpectMsg<Promise>().Ballot);

        AwaitCondition(() => GatedJournal.Writes.Count == 2);
        var group = Assert.Single(GatedJournal.Writes.Last()); // one atomic write: one transaction
        Assert.Equal([0L, 1, 2, 3, 4], group.Cast<ValueAccepted>().Select(e => e.Slot));
        // Held at the disk: nothing of the group is answered.
        proposer.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // The write fails as a crash in its middle would: the acceptor stops, and a new one recovers from the journal.
        GatedJournal.Fail();
        ExpectTerminated(acceptor);
        GatedJournal.Open();
        var recovered = Sys.ActorOf(AcceptorActor.Props(transport), "acceptor-2");
        recovered.Tell(new Prepare(new Ballot(6, 1), 0, 1, transport.Settings.Fingerprint));

        // The next message is the promise: no Accepted for the lost group was ever sent, and it holds none of its slots.
        var promise = proposer.ExpectMsg<Promise>();
        Assert.Equal(new Ballot(6, 1), promise.Ballot);
        Assert.Empty(promise.Accepted);
        recovered.Tell(new Prepare(new Ballot(4, 1), 0, 1, transport.Settings.Fingerprint));
        Assert.Equal(new Ballot(6, 1), proposer.ExpectMsg<Nack>().Promised);
    }

    protected override void AfterAll()
    {
        GatedJournal.Open();
        base.AfterAll();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
