using Actors.Core.Paxos;
using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class ProposerDurabilitySpec : IDisposable
{
    private static readonly Config Fast = ConfigurationFactory.ParseString("actors.paxos.tick-interval = 20ms");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actors-proposer-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _port = FreePorts.Take(1)[0];

    private TestKit NewSystem() =>
        new(ActorsNode.BuildConfig(new NodeOptions { Port = _port, DataDir = _dir }, Fast), "actors");

    /// <summary>A proposer whose acceptor is a probe that never answers, so it campaigns again and again.</summary>
    private static TestProbe StartProposer(TestKit kit)
    {
        var transport = new PaxosTransport(kit.Sys, PaxosSettings.Create(kit.Sys.Settings.Config));
        var acceptor = kit.CreateTestProbe();
        transport.RegisterLocal(PaxosRole.Acceptor, acceptor.Ref);
        transport.RegisterLocal(PaxosRole.Replica, kit.CreateTestProbe().Ref);
        kit.Sys.ActorOf(ProposerActor.Props(transport), "proposer");
        return acceptor;
    }

    [Fact]
    public void A_proposer_started_again_on_its_journal_campaigns_above_every_round_it_used_before()
    {
        var first = NewSystem();
        var acceptor = StartProposer(first);
        var rounds = new List<long>();
        for (var i = 0; i < 3; i++) rounds.Add(acceptor.ExpectMsg<Prepare>(TimeSpan.FromSeconds(10)).Ballot.Round);
        Assert.Equal([1, 2, 3], rounds);
        first.Shutdown(verifySystemShutdown: true);

        // A new ActorSystem on the same database, as after kill -9 of the whole node: only the journal remains.
        var second = NewSystem();
        try
        {
            var prepare = StartProposer(second).ExpectMsg<Prepare>(TimeSpan.FromSeconds(10));
            Assert.True(prepare.Ballot.Round > 3, $"the restarted proposer campaigned at {prepare.Ballot}, reusing a round");
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
