using System.Text;
using Actors.Core.Kv;
using Xunit;

namespace Actors.Core.Tests.Kv;

public sealed class KvStateMachineTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_retried_command_is_applied_once_and_answered_with_its_original_reply()
    {
        var m = new KvStateMachine(KvLimits.Default);
        Assert.Equal(KvStatus.Ok, m.Apply(new KvCommand("c", 1, new KvCas("k", null, B("1")))).Status);
        // Retrying the same cas: not applied again (it would fail now), original Ok returned.
        Assert.Equal(KvStatus.Ok, m.Apply(new KvCommand("c", 1, new KvCas("k", null, B("1")))).Status);
        Assert.Equal(KvStatus.CasFailed, m.Apply(new KvCommand("d", 1, new KvCas("k", null, B("2")))).Status);
        Assert.Equal(KvStatus.Stale, m.Apply(new KvCommand("c", 0, new KvPut("k", B("old")))).Status);
        Assert.Equal("1", Encoding.UTF8.GetString(m.Peek("k")!));
    }

    [Fact]
    public void Cas_compares_bytes_and_an_absent_expectation_means_missing()
    {
        var m = new KvStateMachine(KvLimits.Default);
        m.Apply(new KvCommand("c", 1, new KvPut("k", B("a"))));
        var failed = m.Apply(new KvCommand("c", 2, new KvCas("k", B("b"), B("x"))));
        Assert.Equal(KvStatus.CasFailed, failed.Status);
        Assert.Equal("a", Encoding.UTF8.GetString(failed.Value!));
        Assert.Equal(KvStatus.CasFailed, m.Apply(new KvCommand("c", 3, new KvCas("k", null, B("x")))).Status);
        Assert.Equal(KvStatus.Ok, m.Apply(new KvCommand("c", 4, new KvCas("k", B("a"), B("x")))).Status);
        Assert.Equal(KvStatus.Ok, m.Apply(new KvCommand("c", 5, new KvDelete("k"))).Status);
        Assert.Equal(KvStatus.NotFound, m.Apply(new KvCommand("c", 6, new KvGet("k"))).Status);
    }

    [Theory]
    [InlineData("", 1, "key must not be empty")]
    [InlineData("kkkkk", 1, "the limit is 4")]
    [InlineData("k", 9, "the limit is 8")]
    public void Commands_over_the_limits_are_rejected_without_changing_state(string key, int valueBytes, string message)
    {
        var m = new KvStateMachine(new KvLimits(4, 8));
        var r = m.Apply(new KvCommand("c", 1, new KvPut(key, new byte[valueBytes])));
        Assert.Equal(KvStatus.Rejected, r.Status);
        Assert.Contains(message, r.Error);
        Assert.Equal(0, m.Count);
    }

    [Fact]
    public void A_snapshot_restores_data_and_sessions()
    {
        var m = new KvStateMachine(KvLimits.Default);
        m.Apply(new KvCommand("c", 1, new KvPut("k", B("v"))));
        var copy = new KvStateMachine(KvLimits.Default, m.Snapshot(10));
        Assert.Equal("v", Encoding.UTF8.GetString(copy.Peek("k")!));
        Assert.Equal(KvStatus.Ok, copy.Apply(new KvCommand("c", 1, new KvPut("k", B("again")))).Status);
        Assert.Equal("v", Encoding.UTF8.GetString(copy.Peek("k")!));
    }

    [Fact]
    public void Ephemeral_clients_keep_no_session()
    {
        var m = new KvStateMachine(KvLimits.Default);
        m.Apply(new KvCommand("~n1", 1, new KvPut("k", B("v"))));
        Assert.Empty(m.Snapshot(0).Sessions);
    }
}
