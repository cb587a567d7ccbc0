using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;
using Actors.Core.Log;

namespace Actors.Runtime.Tests.Paxos;

public sealed class AcceptorDurabilitySpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actors-acceptor-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _port = FreePorts.Take(1)[0];

    private TestKit NewSystem() =>
        new(ActorsNode.BuildConfig(new NodeOptions { Port = _port, DataDir = _dir }), "actors");

    private ulong _fingerprint;

    private (IActorRef Acceptor, TestProbe Proposer) StartAcceptor(TestKit kit)
    {
        var settings = PaxosSettings.Create(kit.Sys.Settings.Config);
        _fingerprint = settings.Fingerprint;
        var transport = new PaxosTransport(kit.Sys, settings);
        var proposer = kit.CreateTestProbe();
        transport.RegisterLocal(PaxosRole.Proposer, proposer.Ref);
        return (kit.Sys.ActorOf(AcceptorActor.Props(transport), "acceptor"), proposer);
    }

    private static SlotValue Value(string v) =>
        new(ImmutableArray.Create(LogCommand.Of("c", 1, new KvPut("k", Encoding.UTF8.GetBytes(v)))));

    [Fact]
    public void Acceptor_recovered_from_its_journal_honours_its_promise_and_accepted_values()
    {
        var first = NewSystem();
        var (acceptor, proposer) = StartAcceptor(first);
        acceptor.Tell(new Prepare(new Ballot(5, 1), 0, 1, _fingerprint));
        proposer.ExpectMsg<Promise>(p => p.Ballot == new Ballot(5, 1));
        acceptor.Tell(new Accept(new Ballot(5, 1), 3, Value("durable"), 1));
        proposer.ExpectMsg<Accepted>(a => a.Slot == 3);
        acceptor.Tell(new Prepare(new Ballot(7, 1), 0, 1, _fingerprint));
        proposer.ExpectMsg<Promise>(p => p.Ballot == new Ballot(7, 1));
        first.Shutdown(verifySystemShutdown: true);

        // A new ActorSystem on the same database: only the journal carries the state over.
        var second = NewSystem();
        try
        {
            var (recovered, probe) = StartAcceptor(second);
            recovered.Tell(new Prepare(new Ballot(6, 1), 0, 1, _fingerprint));
            var nack = probe.ExpectMsg<Nack>();
            Assert.Equal(new Ballot(7, 1), nack.Promised);

            recovered.Tell(new Accept(new Ballot(6, 1), 4, Value("late"), 1));
            Assert.Equal(new Ballot(7, 1), probe.ExpectMsg<Nack>().Promised);

            recovered.Tell(new Prepare(new Ballot(8, 1), 0, 1, _fingerprint));
            var promise = probe.ExpectMsg<Promise>();
            var slot = Assert.Single(promise.Accepted);
            Assert.Equal(3, slot.Slot);
            Assert.Equal(new Ballot(5, 1), slot.Ballot);
            var put = Assert.IsType<KvPut>(Assert.Single(slot.Value.Commands).Decoded());
            Assert.Equal("durable", Encoding.UTF8.GetString(put.Value));
        }
        finally
        {
            second.Shutdown(verifySystemShutdown: true);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
