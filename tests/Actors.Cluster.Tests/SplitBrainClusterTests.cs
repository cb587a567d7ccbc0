using Actors.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Cluster.Tests;

/// <summary>
/// The split-brain resolver decides by the acceptors. Three acceptors and two learners, each node in a network namespace
/// of its own, are split {1,2} | {3,4,5} by dropping every packet between the sides (gossip, failure detector, Paxos,
/// everything). Counting members, the resolver would keep {3,4,5}, which holds one acceptor and can never write again;
/// counting acceptors, {1,2} keeps the cluster and writes on, and the other side, learners included, is downed and leaves.
/// Needs root (network namespaces), as CI runs.
/// </summary>
public sealed class SplitBrainClusterTests(ITestOutputHelper output)
{
    private static readonly string NetNs = Path.Combine(LocalClusterProcess.Root, "scripts", "netns.sh");

    private static Task<ProcessRun> Net(params string[] args) => ChildProcess.RunAsync("bash", [NetNs, .. args]);

    [Fact]
    public async Task A_partition_keeps_the_side_with_most_acceptors_and_writes_go_on_there()
    {
        // Namespaces a killed run of this test left behind go first.
        await Net("clean", "actors-sb");
        var ns = $"actors-sb{Environment.ProcessId}";
        var up = await Net("up", ns, "5");
        Assert.True(up.ExitCode == 0, $"network namespaces are needed (run as root): {up}");
        try
        {
            await using var c = new LocalClusterProcess(new LocalClusterOptions
            {
                RemoteBase = 24240,
                CmdBase = 29240,
                NetNs = ns,
                ReadyWait = TimeSpan.FromSeconds(180),
                ScriptTimeout = TimeSpan.FromMinutes(6),
            });
            var start = await c.Script("start", "5", "--acceptors", "3");
            output.WriteLine(start.ToString());
            Assert.True(start.ExitCode == 0, start.ToString());
            var before = await c.CliUntil(1, 0, TimeSpan.FromSeconds(60), "kv", "put", "k", "before");
            Assert.True(before.ExitCode == 0, before.ToString());

            var cut = await Net("cut", ns, "1,2", "3,4,5");
            Assert.True(cut.ExitCode == 0, cut.ToString());
            output.WriteLine("-- cut {1,2} | {3,4,5}");

            // The side with one acceptor is downed, the learners with it, and their processes end.
            var minorityGone = await LocalClusterProcess.WaitUntil(
                () => Task.FromResult(!c.IsRunning(3) && !c.IsRunning(4) && !c.IsRunning(5)), TimeSpan.FromSeconds(120));
            var running = string.Join(",", Enumerable.Range(1, 5).Where(c.IsRunning));
            output.WriteLine($"-- running: {running}");
            Assert.True(minorityGone, $"nodes still running: {running} (the side with one acceptor should have left)");
            Assert.True(c.IsRunning(1) && c.IsRunning(2), $"nodes still running: {running} (the side with two acceptors should stay)");

            var after = await c.CliUntil(1, 0, TimeSpan.FromSeconds(60), "kv", "put", "k", "after");
            Assert.True(after.ExitCode == 0, after.ToString());
            var read = await c.CliUntil(2, 0, TimeSpan.FromSeconds(60), "kv", "get", "k");
            Assert.Equal("after", read.Stdout.Trim());
        }
        finally
        {
            var down = await Net("down", ns, "5");
            output.WriteLine(down.ToString());
        }
    }
}
