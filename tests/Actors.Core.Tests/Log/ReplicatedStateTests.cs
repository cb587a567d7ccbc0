using Actors.Tests.Shared;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Log;
using Xunit;

namespace Actors.Core.Tests.Log;

public sealed class ReplicatedStateTests
{
    private static readonly LogRules Rules = LogRules.Default with { SessionTtl = 1000 };

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static LogCommand Put(string client, long seq, string key, string value, long issued = 0) => LogCommand.Of(client, seq, new KvPut(key, B(value)), issued);

    [Fact]
    public void A_retried_command_is_applied_once_and_answered_with_its_original_reply()
    {
        var m = new ReplicatedState(Rules);
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of("c", 1, new KvCas("k", null, B("1")))).Status);
        // Retrying the same cas: not applied again (it would fail now), original Ok returned.
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of("c", 1, new KvCas("k", null, B("1")))).Status);
        Assert.Equal(CommandStatus.CasFailed, m.Apply(LogCommand.Of("d", 1, new KvCas("k", null, B("2")))).Status);
        m.Apply(Put("c", 2, "k2", "x"));
        Assert.Equal(CommandStatus.Stale, m.Apply(Put("c", 1, "k", "old")).Status);
        Assert.Equal("1", Encoding.UTF8.GetString(m.Kv.Peek("k")!));
    }

    [Fact]
    public void A_reused_seq_with_another_command_is_rejected_and_changes_nothing()
    {
        var m = new ReplicatedState(Rules);
        m.Apply(Put("c", 1, "k", "a"));
        var r = m.Apply(Put("c", 1, "k", "b"));
        Assert.Equal(CommandStatus.Rejected, r.Status);
        Assert.Contains("seq 1 was already used for another command", r.Error);
        Assert.Equal("a", Encoding.UTF8.GetString(m.Kv.Peek("k")!));
        // The original command's retry still gets its reply.
        Assert.Equal(CommandStatus.Ok, m.Apply(Put("c", 1, "k", "a")).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_seq_below_one_is_rejected(long seq)
    {
        var m = new ReplicatedState(Rules);
        var r = m.Apply(Put("c", seq, "k", "v"));
        Assert.Equal(CommandStatus.Rejected, r.Status);
        Assert.Contains("seq must be at least 1", r.Error);
        Assert.Null(m.Kv.Peek("k"));
        Assert.Equal(0, m.SessionCount);
    }

    [Fact]
    public void A_retried_read_reads_again_because_the_session_keeps_no_value()
    {
        var m = new ReplicatedState(Rules);
        m.Apply(Put("w", 1, "k", "1"));
        Assert.Equal("1", Encoding.UTF8.GetString(m.Apply(LogCommand.Of("r", 1, new KvGet("k"))).Value!));
        Assert.Null(Assert.Single(m.Snapshot(0).Sessions.Sessions, s => s.ClientId == "r").Result);
        m.Apply(Put("w", 2, "k", "2"));
        Assert.Equal("2", Encoding.UTF8.GetString(m.Apply(LogCommand.Of("r", 1, new KvGet("k"))).Value!));
    }

    [Fact]
    public void Sessions_expire_after_the_ttl_in_log_time_and_a_retry_within_it_gets_its_original_reply()
    {
        var m = new ReplicatedState(Rules);
        m.Advance(0, 100);
        m.Apply(LogCommand.Of("c", 1, new KvCas("k", null, B("1"))));
        m.Advance(0, 900);
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of("c", 1, new KvCas("k", null, B("1")))).Status); // within the TTL
        m.Advance(0, 1500);
        m.Apply(Put("other", 1, "x", "y", issued: 1490));
        m.Advance(0, 1901); // c was last used at 900, other at 1500
        Assert.Equal(1, m.SessionCount);
        Assert.Equal("other", Assert.Single(m.Snapshot(0).Sessions.Sessions).ClientId);
        // After expiry a copy of that cas, issued when it first was (at 100), is refused: its session may have held it.
        var copy = m.Apply(LogCommand.Of("c", 1, new KvCas("k", null, B("1")), issued: 100));
        Assert.Equal(CommandStatus.SessionExpired, copy.Status);
        Assert.Contains("session expired", copy.Error);
        // A command of c issued within the TTL (c's session could not have expired since) starts a new session.
        Assert.Equal(CommandStatus.CasFailed, m.Apply(LogCommand.Of("c", 2, new KvCas("k", null, B("1")), issued: 1900)).Status);
        Assert.Equal(2, m.SessionCount);
    }

    /// <summary>
    /// The scenario that resurrected a write: node 3 holds client c's put (seq 1) while cut off; c retries through node 1
    /// (applied, acknowledged); d writes the key (acknowledged); c stays idle past the TTL; the cut heals and node 3 forwards
    /// its copy. Applied as new, it would overwrite d's acknowledged write.
    /// </summary>
    [Fact]
    public void A_copy_held_past_its_sessions_expiry_is_refused_and_an_acknowledged_write_after_it_stays()
    {
        var replicas = new[] { new ReplicatedState(Rules), new ReplicatedState(Rules) };
        long slot = 0;
        CommandResult Apply(long stamp, LogCommand command)
        {
            var results = replicas.Select(r =>
            {
                r.Advance(slot, stamp);
                return r.Apply(command);
            }).ToList();
            slot++;
            // Each replica reads its own copy of the bytes: equal replies, compared by content.
            Assert.Equal(Describe(results[0]), Describe(results[1]));
            return results[0];
        }
        static string Describe(CommandResult r) => $"{r.Status}/{(r.Value is { } v ? Convert.ToHexString(v) : "-")}/{r.Error}";

        var held = LogCommand.Of("c", 1, new KvPut("k", B("a")), issued: 200); // c knew log time 200 when it sent it
        Assert.Equal(CommandStatus.Ok, Apply(250, held).Status); // c's retry through node 1
        Assert.Equal(CommandStatus.Ok, Apply(300, LogCommand.Of("d", 1, new KvPut("k", B("b")), issued: 280)).Status);
        Apply(1400, LogCommand.Of("d", 2, new KvGet("k"), issued: 1390)); // d keeps its session; c's (last active 250) expires
        Assert.All(replicas, r => Assert.Equal(1, r.SessionCount));

        var late = Apply(1450, held); // node 3's copy, after the heal
        Assert.Equal(CommandStatus.SessionExpired, late.Status);
        Assert.All(replicas, r => Assert.Equal("b", Encoding.UTF8.GetString(r.Kv.Peek("k")!)));
    }

    [Fact]
    public void Refusing_expired_copies_needs_no_clock_agreement_a_command_issued_within_the_ttl_is_always_applied()
    {
        var m = new ReplicatedState(Rules);
        m.Advance(0, 5000);
        // Issued exactly one TTL before the log's time: c's session, had it held this command, would still be there.
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of("c", 1, new KvPut("k", B("v")), issued: 4000)).Status);
        Assert.Equal(CommandStatus.SessionExpired, m.Apply(LogCommand.Of("e", 1, new KvPut("k", B("w")), issued: 3999)).Status);
        // Single-use clients keep no session and are never refused.
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of(ReplicatedState.EphemeralPrefix + "x", 1, new KvPut("k", B("x")))).Status);
    }

    [Fact]
    public void Log_time_never_goes_back_so_an_earlier_stamp_expires_nothing()
    {
        var m = new ReplicatedState(Rules);
        m.Advance(0, 5000);
        m.Apply(Put("c", 1, "k", "v", issued: 4990));
        m.Advance(0, 10); // a new leader whose clock is behind
        Assert.Equal(5000, m.LogTime);
        Assert.Equal(1, m.SessionCount);
    }

    [Fact]
    public void Two_replicas_expire_the_same_sessions_at_the_same_slot_also_after_a_snapshot()
    {
        var a = new ReplicatedState(Rules);
        var stamps = new long[] { 10, 200, 340, 990, 1100, 1250, 2000, 2600, 3400 };
        StateSnapshot? mid = null;
        ReplicatedState? b = null;
        for (var i = 0; i < stamps.Length; i++)
        {
            a.Advance(0, stamps[i]);
            a.Apply(Put("c" + (i % 4), i + 1, "k", "v" + i));
            b?.Advance(0, stamps[i]);
            b?.Apply(Put("c" + (i % 4), i + 1, "k", "v" + i));
            if (i == 3)
            {
                mid = a.Snapshot(i);
                b = new ReplicatedState(Rules, mid);
            }
            if (b is not null) Assert.Equal(a.Snapshot(i), b.Snapshot(i), new SnapshotComparer());
        }
        Assert.NotNull(mid);
        Assert.True(a.SessionCount < 4, "no session expired");
    }

    private sealed class SnapshotComparer : IEqualityComparer<StateSnapshot>
    {
        public bool Equals(StateSnapshot? x, StateSnapshot? y) =>
            x!.LogTime == y!.LogTime && x.Sessions.Sessions.Select(s => (s.ClientId, s.Seq, s.LastActive))
                .SequenceEqual(y.Sessions.Sessions.Select(s => (s.ClientId, s.Seq, s.LastActive)));

        public int GetHashCode(StateSnapshot obj) => obj.LogTime.GetHashCode();
    }

    [Fact]
    public void Cas_compares_bytes_and_an_absent_expectation_means_missing()
    {
        var m = new ReplicatedState(Rules);
        m.Apply(Put("c", 1, "k", "a"));
        var failed = m.Apply(LogCommand.Of("c", 2, new KvCas("k", B("b"), B("x"))));
        Assert.Equal(CommandStatus.CasFailed, failed.Status);
        Assert.Equal("a", Encoding.UTF8.GetString(failed.Value!));
        Assert.Equal(CommandStatus.CasFailed, m.Apply(LogCommand.Of("c", 3, new KvCas("k", null, B("x")))).Status);
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of("c", 4, new KvCas("k", B("a"), B("x")))).Status);
        Assert.Equal(CommandStatus.Ok, m.Apply(LogCommand.Of("c", 5, new KvDelete("k"))).Status);
        Assert.Equal(CommandStatus.NotFound, m.Apply(LogCommand.Of("c", 6, new KvGet("k"))).Status);
    }

    [Theory]
    [InlineData("", 1, "key must not be empty")]
    [InlineData("kkkkk", 1, "the limit is 4")]
    [InlineData("k", 9, "the limit is 8")]
    public void Commands_over_the_limits_are_rejected_without_changing_state(string key, int valueBytes, string message)
    {
        var m = new ReplicatedState(Rules with { Limits = new KvLimits(4, 8) });
        var r = m.Apply(LogCommand.Of("c", 1, new KvPut(key, new byte[valueBytes])));
        Assert.Equal(CommandStatus.Rejected, r.Status);
        Assert.Contains(message, r.Error);
        Assert.Equal(0, m.Kv.Count);
    }

    [Fact]
    public void A_snapshot_restores_data_sessions_and_log_time()
    {
        var m = new ReplicatedState(Rules);
        m.Advance(0, 77);
        m.Apply(Put("c", 1, "k", "v"));
        var copy = new ReplicatedState(Rules, m.Snapshot(10));
        Assert.Equal("v", Encoding.UTF8.GetString(copy.Kv.Peek("k")!));
        Assert.Equal(77, copy.LogTime);
        Assert.Equal(CommandStatus.Ok, copy.Apply(Put("c", 1, "k", "v")).Status);
        Assert.Equal("v", Encoding.UTF8.GetString(copy.Kv.Peek("k")!));
    }

    [Fact]
    public void Ephemeral_clients_keep_no_session()
    {
        var m = new ReplicatedState(Rules);
        m.Apply(LogCommand.Of("~n1", 1, new KvPut("k", B("v"))));
        Assert.Equal(0, m.SessionCount);
    }
}
