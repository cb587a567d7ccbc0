using System.Collections.Immutable;
using System.Text;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Core.Tests.Paxos;
using Xunit;

namespace Actors.Core.Tests.Log.Register;

/// <summary>
/// A service registered by a test alone (<see cref="RegisterService"/>, no change to the consensus, the serializer or the
/// replicated state) goes through the log, into snapshots, and to a replica that catches up from a peer's snapshot.
/// </summary>
public sealed class RegisterServiceTests
{
    private static readonly IReadOnlyList<LogServiceRegistration> WithRegister = [RegisterService.Registration];

    private static LogCommand Set(long seq, string name, string value) => LogCommand.Of("t", seq, new RegisterSet(name, value), issued: 1);

    [Fact]
    public void A_registered_service_applies_its_commands_with_sessions_and_replies_and_keeps_its_data_in_snapshots()
    {
        var state = new ReplicatedState(LogRules.Default, more: WithRegister);
        Assert.Equal(["kv", "ring", "journal", "log", "register"], state.Services.Select(s => s.Name));
        Assert.Null(state.Apply(Set(1, "a", "1")).Value);
        Assert.Equal("1", Encoding.UTF8.GetString(state.Apply(Set(2, "a", "2")).Value!));
        // A retry of seq 2 is answered from the session, not applied again.
        Assert.Equal("1", Encoding.UTF8.GetString(state.Apply(Set(2, "a", "2")).Value!));
        Assert.Equal(CommandStatus.Rejected, state.Apply(Set(2, "a", "other")).Status);

        var copy = new ReplicatedState(LogRules.Default, state.Snapshot(9), WithRegister);
        Assert.Equal("2", copy.Service<RegisterService>().Get("a"));
        Assert.Equal("1", Encoding.UTF8.GetString(copy.Apply(Set(2, "a", "2")).Value!));
        Assert.Equal(state.Snapshot(9), copy.Snapshot(9));
    }

    [Fact]
    public void A_node_that_does_not_run_a_service_applies_none_of_its_commands_and_loads_none_of_its_snapshots()
    {
        var with = new ReplicatedState(LogRules.Default, more: WithRegister);
        with.Apply(Set(1, "a", "1"));
        var without = new ReplicatedState(LogRules.Default);
        var unknown = Assert.Throws<LogFormatException>(() => without.Apply(Set(1, "a", "1")));
        Assert.True(unknown.Newer);
        Assert.Contains($"no service with id {RegisterService.ServiceId}", unknown.Message);
        var e = Assert.Throws<LogFormatException>(() => new ReplicatedState(LogRules.Default, with.Snapshot(0)));
        Assert.Contains($"section of service {RegisterService.ServiceId}, which this node does not run", e.Message);
    }

    [Fact]
    public void Its_commands_are_chosen_applied_everywhere_and_reach_a_replica_that_catches_up_from_a_snapshot()
    {
        var config = new PaxosConfig([0, 1, 2], Window: 4, SnapshotEvery: 4, IdleStampTicks: 1000);
        var cluster = new MiniCluster(config, leader: 0, WithRegister);
        foreach (var o in cluster.Leader.TickUntilCandidate().Send) cluster.Deliver(0, o);
        cluster.RunUntilQuiet();
        Assert.Equal(ProposerRole.Leader, cluster.Leader.Role);

        // Replica 2 hears nothing while ten commands are chosen, applied, snapshotted and compacted away.
        cluster.Cut.Add(2);
        for (var i = 1; i <= 10; i++)
        {
            cluster.Deliver(-1, new Outbound(0, PaxosRole.Proposer, new Submit(ImmutableArray.Create(Set(i, "r" + i % 3, "v" + i)), 0)));
            cluster.RunUntilQuiet();
        }
        for (var tick = 0; tick < 5; tick++) cluster.TickAll();
        Assert.True(cluster.Replicas[0].LastSnapshot.Section(RegisterService.ServiceId) is not null);
        Assert.True(cluster.Acceptors[0].CompactedThrough >= 3);

        cluster.Cut.Remove(2);
        cluster.Deliver(-1, new Outbound(0, PaxosRole.Proposer, new Submit(ImmutableArray.Create(Set(11, "r0", "last")), 0)));
        for (var tick = 0; tick < 30; tick++) cluster.TickAll();

        var expected = new Dictionary<string, string> { ["r0"] = "last", ["r1"] = "v10", ["r2"] = "v8" };
        Assert.All(cluster.Replicas, r => Assert.Equal(expected, r.State.Service<RegisterService>().Values));
        // Replica 2 got there through a peer's snapshot, which carried the register's section: the first slots were gone
        // from every log it could ask.
        Assert.Contains(cluster.Handled, o => o.To == 2 && o.Message is CatchUpResponse { Snapshot: { } s } && s.Section(RegisterService.ServiceId) is not null);
        Assert.Equal(cluster.Replicas[0].State.Snapshot(11), cluster.Replicas[2].State.Snapshot(11));
    }
}
