using System.Text.Json;
using Actors.Cluster.Tests.Support;
using Actors.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Cluster.Tests;

public sealed class CommandLineTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cluster_palettes_show_leave_and_down_members_of_a_real_cluster()
    {
        await using var c = TestClusters.Create(24170, 29170);
        var start = await c.Script("start", "3");
        Assert.True(start.ExitCode == 0, start.ToString());

        var show = await c.CliUntil(1, r => r.Stdout.Contains("Count: 3 nodes") && !r.Stdout.Contains("Joining"), TimeSpan.FromSeconds(60), "cluster", "show");
        output.WriteLine(show.Stdout);
        Assert.Contains("Count: 3 nodes", show.Stdout);
        Assert.Equal(3, show.Stdout.Split('\n').Count(l => l.Contains("| Up | Reachable")));

        var json = await c.Cli(1, "--json", "cluster", "show");
        using (var doc = JsonDocument.Parse(json.Stdout))
            Assert.Equal(3, doc.RootElement.GetProperty("count").GetInt32());

        var leader = await c.Cli(2, "cluster", "leader");
        Assert.Equal(0, leader.ExitCode);
        Assert.StartsWith("akka.tcp://actors@127.0.0.1:", leader.Stdout.Trim());

        // Node 3 leaves gracefully: the others list two members.
        var leave = await c.Cli(3, "cluster", "leave");
        Assert.True(leave.ExitCode == 0, leave.ToString());
        var afterLeave = await c.CliUntil(1, r => r.Stdout.Contains("Count: 2 nodes"), TimeSpan.FromSeconds(60), "cluster", "show");
        Assert.Contains("Count: 2 nodes", afterLeave.Stdout);
        Assert.DoesNotContain($":{c.RemoteBase + 3} ", afterLeave.Stdout);

        // Node 2 is killed: once node 1 sees it unreachable, down-unreachable removes it.
        Assert.Equal(0, (await c.Script("kill", "2")).ExitCode);
        var unreachable = await c.CliUntil(1, r => r.Stdout.Contains("Unreachable"), TimeSpan.FromSeconds(60), "cluster", "show");
        Assert.Contains("Unreachable", unreachable.Stdout);
        var down = await c.Cli(1, "cluster", "down-unreachable");
        Assert.True(down.ExitCode == 0, down.ToString());
        var removed = await c.CliUntil(1, r => r.Stdout.Contains("Count: 1 nodes"), TimeSpan.FromSeconds(60), "cluster", "show");
        Assert.Contains("Count: 1 nodes", removed.Stdout);
        Assert.Matches($@":{c.RemoteBase + 1} \| \[paxos-acceptor-[0-9a-f]{{16}},paxos-log-[0-9a-f]{{16}},paxos-node-1,ring-member\] \| Up \| Reachable", removed.Stdout);
    }

    [Fact]
    public async Task Every_palette_answers_one_shot_and_in_the_interactive_prompt()
    {
        await using var c = TestClusters.Create(24180, 29180);
        var start = await c.Script("start", "3");
        Assert.True(start.ExitCode == 0, start.ToString());

        var status = await c.Cli(1, "cluster", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("is Up", status.Stdout);

        var tree = await c.Cli(1, "actor", "hierarchy", "-d", "2");
        Assert.Equal(0, tree.ExitCode);
        Assert.Contains("/user", tree.Stdout);
        Assert.Contains("paxos", tree.Stdout);
        Assert.Contains("acceptor", tree.Stdout);
        var below = await c.Cli(1, "actor", "hierarchy", "-s", "/user/paxos");
        Assert.Contains("proposer", below.Stdout);
        Assert.DoesNotContain("/system", below.Stdout);
        Assert.Equal(2, (await c.Cli(1, "actor", "hierarchy", "-s", "/user/nothing-here")).ExitCode);

        var log = await c.Cli(1, "log", "peek", "-n", "5");
        Assert.Equal(0, log.ExitCode);
        var lines = log.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 5);
        Assert.All(lines, l => Assert.StartsWith("[", l));

        var help = await c.Cli(1, "help");
        foreach (var palette in new[] { "kv", "ring", "paxos", "cluster", "actor", "log" }) Assert.Contains(palette + " ", help.Stdout);

        // The ring: every node has the same members at the same version; lookups agree; bad input changes nothing.
        var ring = await c.CliUntil(1, r => r.Stdout.Contains("members:  3"), TimeSpan.FromSeconds(60), "ring", "show");
        output.WriteLine(ring.Stdout);
        var shows = new List<string>();
        for (var node = 1; node <= 3; node++)
            shows.Add((await c.CliUntil(node, r => r.Stdout.Contains("\"node\":3"), TimeSpan.FromSeconds(30), "--json", "ring", "show")).Stdout.Trim());
        Assert.Single(shows.Distinct());
        var owners = new List<string>();
        for (var node = 1; node <= 3; node++) owners.Add((await c.Cli(node, "ring", "lookup", "account-7")).Stdout.Split(" at ring")[0]);
        Assert.Single(owners.Distinct());
        Assert.Contains("node 9 is not a ring member", (await c.Cli(2, "ring", "drain", "9")).Stderr);
        Assert.Contains("WEIGHT must be a number above 0 and at most 100", (await c.Cli(2, "ring", "weight", "1", "-3")).Stderr);
        Assert.Contains("WEIGHT must be a number above 0 and at most 100", (await c.Cli(2, "ring", "weight", "2", "1e12")).Stderr);
        Assert.Contains("KEY must not be empty", (await c.Cli(2, "ring", "lookup", "")).Stderr);
        Assert.Equal(shows[0], (await c.Cli(3, "--json", "ring", "show")).Stdout.Trim());
        var weighed = await c.Cli(3, "ring", "weight", "2", "2.5");
        Assert.True(weighed.ExitCode == 0, weighed.ToString());
        await c.CliUntil(1, r => r.Stdout.Contains("\"weight\":2.5"), TimeSpan.FromSeconds(30), "--json", "ring", "show");

        var json = await c.Cli(2, "--json", "log", "peek");
        using (var doc = JsonDocument.Parse(json.Stdout)) Assert.True(doc.RootElement.GetProperty("lines").GetArrayLength() > 0);

        // Interactive: commands on standard input, one connection.
        var session = await ChildProcess.RunAsync("bash", [Path.Combine(RepoRoot.Path, "scripts", "actors-cmd"), c.CmdEndpoint(1)],
            timeout: TimeSpan.FromSeconds(60), workingDirectory: RepoRoot.Path, stdin: "kv put i 1\nkv get i\ncluster show\nnope x\nexit\n");
        output.WriteLine(session.ToString());
        Assert.Contains("OK", session.Stdout);
        Assert.Contains("Count: 3 nodes", session.Stdout);
        Assert.Contains("unknown palette 'nope'", session.Stderr);
    }
}
