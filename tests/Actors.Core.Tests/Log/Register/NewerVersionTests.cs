using System.Text;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Tests.Shared;
using Xunit;

namespace Actors.Core.Tests.Log.Register;

/// <summary>
/// What a node does with the log's bytes that a newer version wrote (a service it does not run, an operation or a field it
/// does not know, a section format it cannot read): it never applies, skips or refuses them, which could make its state
/// differ from a replica that knows them; it stops there and says why. Bytes that no version can read are refused alike.
/// </summary>
public sealed class NewerVersionTests
{
    private static readonly PaxosConfig Config = new([1, 2, 3], Window: 4, MaxBatch: 10);

    private static Decision Chosen(long slot, params LogCommand[] commands) => new(slot, new SlotValue([.. commands], 10 + slot), 1, new Ballot(1, 1));

    private static LogCommand Put(long seq, string value) => LogCommand.Of("c", seq, new KvPut("k", Encoding.UTF8.GetBytes(value)), 1);

    private static LogCommand Register(long seq) => LogCommand.Of("c", seq, new RegisterSet("r", "v"), 1);

    [Fact]
    public void A_replica_stops_at_a_slot_with_a_command_of_a_service_it_does_not_run_and_applies_none_of_it_nor_after_it()
    {
        var r = new Replica(Config, 3, LogRules.Default);
        r.Step(Chosen(0, Put(1, "a")));
        var fx = r.Step(Chosen(1, Put(2, "b"), Register(3)));
        Assert.Empty(fx.Applied); // the slot is applied whole or not at all: not even the put before it
        Assert.Contains(fx.Errors, e => e.Contains($"no service with id {RegisterService.ServiceId}") && e.Contains("stops at slot 1"));
        Assert.Equal(1, r.HaltedAt);
        fx = r.Step(Chosen(2, Put(4, "c")));
        Assert.Empty(fx.Applied);
        Assert.Empty(fx.Errors); // said once
        Assert.Equal(1, r.NextToApply);
        Assert.Equal("a", Encoding.UTF8.GetString(r.State.Kv.Peek("k")!));
        Assert.Equal(10, r.State.LogTime); // slot 1's stamp did not move log time either

        // The same slots, on a node that runs the service, apply.
        var knows = new Replica(Config, 3, LogRules.Default, more: [RegisterService.Registration]);
        knows.Step(Chosen(0, Put(1, "a")));
        knows.Step(Chosen(1, Put(2, "b"), Register(3)));
        knows.Step(Chosen(2, Put(4, "c")));
        Assert.Equal(3, knows.NextToApply);
        Assert.Equal("v", knows.State.Service<RegisterService>().Get("r"));
    }

    [Fact]
    public void An_operation_or_a_field_the_service_does_not_know_stops_the_replica_and_bytes_no_version_reads_are_refused()
    {
        var state = new ReplicatedState(LogRules.Default);
        // Put { key = "k", value = [1] } and a field 15 (varint) a newer version added.
        byte[] withNewField = [0x0A, 0x08, 0x0A, 0x01, (byte)'k', 0x12, 0x01, 0x01, 0x78, 0x07];
        var e = Assert.Throws<LogFormatException>(() => state.Apply(new LogCommand("c", 1, KvStateMachine.ServiceId, withNewField)));
        Assert.True(e.Newer);
        Assert.Contains("fields unknown to this version", e.Message);
        // Operation 9 of the key-value service, which this version does not have.
        byte[] newOperation = [0x4A, 0x03, 0x0A, 0x01, (byte)'k'];
        Assert.True(Assert.Throws<LogFormatException>(() => state.Apply(new LogCommand("c", 1, KvStateMachine.ServiceId, newOperation))).Newer);
        Assert.Null(state.Kv.Peek("k"));

        // A length written longer than it needs (0x81 0x00 for 1) parses, but no encoder writes it: malformed, not newer.
        byte[] overlong = [0x0A, 0x07, 0x0A, 0x81, 0x00, (byte)'k', 0x12, 0x01, 0x01];
        var odd = state.Apply(new LogCommand("c", 1, KvStateMachine.ServiceId, overlong));
        Assert.Equal(CommandStatus.Rejected, odd.Status);
        Assert.Contains("not as any encoder writes them", odd.Error);

        // A cut field is malformed for every version: refused, the same on every replica, and the replica goes on.
        var cut = LogCommand.Of("c", 1, new KvPut("k", [1])).Op[..^1];
        var refused = state.Apply(new LogCommand("c", 1, KvStateMachine.ServiceId, cut));
        Assert.Equal(CommandStatus.Rejected, refused.Status);
        Assert.Contains("kv: malformed", refused.Error);
        Assert.Equal(CommandStatus.Ok, state.Apply(LogCommand.Of("c", 2, new KvPut("k", [1]), 1)).Status);
    }

    [Fact]
    public void A_stopped_replica_asks_peers_for_more_only_at_the_retransmit_pace()
    {
        var r = new Replica(Config, 3, LogRules.Default);
        r.Step(Chosen(0, Put(1, "a")));
        r.Step(Chosen(1, Register(2)));
        r.Step(Chosen(2, Put(3, "b")));
        Assert.Equal(1, r.HaltedAt);
        var ask = r.Step(new CommitInfo(1, 5));
        Assert.Single(ask.Send, o => o.Message is CatchUpRequest);
        // The answer holds slots it has already: no progress, so no new request at once (a ping-pong between peers).
        var answer = r.Step(new CatchUpResponse(null, [new DecidedSlot(1, Chosen(1, Register(2)).Value), new DecidedSlot(2, Chosen(2, Put(3, "b")).Value)], 1));
        Assert.DoesNotContain(answer.Send, o => o.Message is CatchUpRequest);
        Assert.Equal(1, r.NextToApply);
        var asked = 0;
        for (var tick = 0; tick < Config.RetransmitTicks; tick++)
            asked += r.Step(Tick.Instance).Send.Count(o => o.Message is CatchUpRequest);
        Assert.Equal(1, asked);
    }

    [Fact]
    public void A_replica_refuses_a_peers_snapshot_it_cannot_read_and_keeps_its_state()
    {
        var peer = new ReplicatedState(LogRules.Default, more: [RegisterService.Registration]);
        peer.Apply(Register(1));
        var snapshot = peer.Snapshot(5);
        var r = new Replica(Config, 3, LogRules.Default);
        r.Step(Chosen(0, Put(1, "a")));
        var fx = r.Step(new CatchUpResponse(snapshot, [], 1));
        Assert.Contains(fx.Errors, e => e.Contains("refuses the snapshot at slot 5 from node 1") && e.Contains("does not run"));
        Assert.Equal(1, r.NextToApply);
        Assert.Equal("a", Encoding.UTF8.GetString(r.State.Kv.Peek("k")!));

        // A section in a format this version does not know is refused the same way.
        var newerFormat = new StateSnapshot(5, 1, [.. LogViews.Snapshot(5, 1, KvSection.Empty, SessionsSection.Empty).Sections
            .Select(s => s.Service == KvStateMachine.ServiceId ? s with { Format = 2 } : s)]);
        fx = r.Step(new CatchUpResponse(newerFormat, [], 1));
        Assert.Contains(fx.Errors, e => e.Contains("snapshot section format 2 is unknown to this version"));
        Assert.Null(fx.Installed);
        Assert.Equal(1, r.NextToApply);

        // A snapshot it can read is installed, and the step says so.
        fx = r.Step(new CatchUpResponse(new ReplicatedState(LogRules.Default).Snapshot(5), [], 2));
        Assert.Equal(new SnapshotInstalled(5, 2, fx.Installed!.Bytes), fx.Installed);
        Assert.Equal(6, r.NextToApply);
    }

    [Fact]
    public void A_command_of_a_later_service_is_not_taken_for_a_retry_of_another_services_command_with_the_same_fields()
    {
        var state = new ReplicatedState(LogRules.Default, more: [RegisterService.Registration]);
        Assert.Equal(CommandStatus.Ok, state.Apply(LogCommand.Of("c", 5, new KvPut("a", "b"u8.ToArray()), 1)).Status);
        var other = state.Apply(LogCommand.Of("c", 5, new RegisterSet("a", "b"), 1));
        Assert.Equal(CommandStatus.Rejected, other.Status);
        Assert.Contains("already used for another command", other.Error);
        Assert.Null(state.Service<RegisterService>().Get("a"));
    }
}
