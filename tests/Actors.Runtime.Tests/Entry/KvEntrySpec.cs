using System.Text;
using Actors.Contracts.Kv;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Runtime.Hosting;
using Actors.Runtime.Entry;
using Actors.Runtime.Kv;
using Actors.Runtime.Paxos;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Entry;

/// <summary>The entry actor alone, with probes for this node's proposer and replica: which waiter gets which answer.</summary>
public sealed class KvEntrySpec : TestKit
{
    private readonly TestProbe _proposer;
    private readonly IActorRef _entry;

    private readonly string _dir;

    public KvEntrySpec()
        : this(Path.Combine(Path.GetTempPath(), "actors-entry-" + Guid.NewGuid().ToString("N")[..8]))
    {
    }

    private KvEntrySpec(string dir)
        : base(ActorsNode.BuildConfig(new NodeOptions { Port = FreePorts.Take(1)[0], DataDir = dir }), "actors")
    {
        _dir = dir;
        var transport = new PaxosTransport(Sys, PaxosSettings.Create(Sys.Settings.Config));
        _proposer = CreateTestProbe();
        transport.RegisterLocal(PaxosRole.Proposer, _proposer.Ref);
        transport.RegisterLocal(PaxosRole.Replica, CreateTestProbe().Ref);
        _entry = Sys.ActorOf(LogEntryActor.Props(KvSettings.Create(Sys.Settings.Config), transport), "log");
        // The replica has applied a slot stamped at log time 1000.
        _entry.Tell(new AppliedBatch([], LogTime: 1000));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>The commands the entry submitted to the proposer, in order.</summary>
    private List<LogCommand> Submitted(int count)
    {
        var commands = new List<LogCommand>();
        while (commands.Count < count) commands.AddRange(_proposer.ExpectMsg<Submit>().Commands);
        return commands;
    }

    [Fact]
    public void Two_requests_that_share_a_client_id_and_seq_are_each_answered_with_the_reply_to_their_own_command()
    {
        // Two processes configured with one client id send seq 1 with different commands.
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        _entry.Tell(new Put("k", B("a"), "shared", 1) { Issued = 900 }, first.Ref);
        _entry.Tell(new Put("k", B("b"), "shared", 1) { Issued = 900 }, second.Ref);
        var commands = Submitted(2);

        // The log applies the first and refuses the second (its seq was used for another command).
        _entry.Tell(new AppliedBatch([
            new AppliedCommand(commands[0], CommandResult.Ok),
            new AppliedCommand(commands[1], new CommandResult(CommandStatus.Rejected, null, "client shared: seq 1 was already used for another command")),
        ]));
        Assert.Equal(KvReplyStatus.Ok, first.ExpectMsg<KvReply>().Status);
        var refused = second.ExpectMsg<KvReply>();
        Assert.Equal(KvReplyStatus.Rejected, refused.Status);
        Assert.Contains("already used", refused.Error);
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Reads_that_share_a_client_id_and_seq_are_each_answered_with_their_own_value()
    {
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        _entry.Tell(new Get("a", "shared", 7), a.Ref);
        _entry.Tell(new Get("b", "shared", 7), b.Ref);
        var readA = LogCommand.Of("shared", 7, new KvGet("a"));
        var readB = LogCommand.Of("shared", 7, new KvGet("b"));

        // The replica answers b's read first: a's waiter must not take it.
        _entry.Tell(new ReadsAnswered([new AppliedCommand(readB, new CommandResult(CommandStatus.Ok, B("2")))]));
        Assert.Equal("2", Encoding.UTF8.GetString(b.ExpectMsg<KvReply>().Value!));
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _entry.Tell(new ReadsAnswered([new AppliedCommand(readA, new CommandResult(CommandStatus.Ok, B("1")))]));
        Assert.Equal("1", Encoding.UTF8.GetString(a.ExpectMsg<KvReply>().Value!));
    }

    [Fact]
    public void A_command_the_proposer_refused_as_overloaded_is_answered_unavailable_with_the_reason()
    {
        var client = CreateTestProbe();
        _entry.Tell(new Put("k", B("v"), "c", 1) { Issued = 900 }, client.Ref);
        var command = Assert.Single(Submitted(1));
        _entry.Tell(new CommandsRefused([new AppliedCommand(command, new CommandResult(CommandStatus.Overloaded, null, "overloaded: node 1 holds 5 commands"))]));
        var reply = client.ExpectMsg<KvReply>();
        Assert.Equal(KvReplyStatus.Unavailable, reply.Status);
        Assert.StartsWith("overloaded", reply.Error);
        Assert.Equal(1, reply.Seq);
    }

    [Fact]
    public void A_write_with_a_client_id_is_issued_at_the_clients_time_never_later_than_the_nodes_and_one_without_is_refused()
    {
        var client = CreateTestProbe();
        _entry.Tell(new Put("k", B("v"), "c", 1) { Issued = 400 }, client.Ref);
        Assert.Equal(400, Assert.Single(Submitted(1)).Issued);
        // A time ahead of this node's log time (another node's, or a wrong one) is lowered to this node's.
        _entry.Tell(new Put("k", B("v"), "c", 2) { Issued = 5_000 }, client.Ref);
        Assert.Equal(1000, Assert.Single(Submitted(1)).Issued);

        _entry.Tell(new Put("k", B("v"), "c", 3), client.Ref);
        var refused = client.ExpectMsg<KvReply>();
        Assert.Equal((KvReplyStatus.Rejected, 3L, 1000L), (refused.Status, refused.Seq, refused.LogTime));
        Assert.Contains("must carry Issued", refused.Error);
        _proposer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Reads are never refused: no issue time needed.
        _entry.Tell(new Get("k", "c", 4), client.Ref);
        _proposer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
