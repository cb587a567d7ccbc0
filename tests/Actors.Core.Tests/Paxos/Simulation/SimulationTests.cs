using Xunit;
using Xunit.Abstractions;

namespace Actors.Core.Tests.Paxos.Simulation;

public sealed class SimulationTests(ITestOutputHelper output)
{
    /// <summary>Seeds per run; ACTORS_SIM_SEEDS overrides it, ACTORS_SIM_SEED replays one seed.</summary>
    private static IEnumerable<int> Seeds(int defaultCount)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("ACTORS_SIM_SEED"), out var one)) return [one];
        var count = int.TryParse(Environment.GetEnvironmentVariable("ACTORS_SIM_SEEDS"), out var n) ? n : defaultCount;
        return Enumerable.Range(1, count);
    }

    private void RunSeeds(SimOptions options, int count)
    {
        var failures = new List<string>();
        long ops = 0, crashes = 0, partitions = 0;
        foreach (var seed in Seeds(count))
        {
            var report = new Simulator(seed, options).Run();
            ops += report.History.Count;
            crashes += report.Crashes;
            partitions += report.Partitions;
            var problems = report.Violations.ToList();
            if (problems.Count == 0) problems.AddRange(SimChecks.Linearizability(report));
            if (problems.Count > 0)
                failures.Add($"seed {seed} (replay with ACTORS_SIM_SEED={seed}): {string.Join("; ", problems)}");
            if (failures.Count >= 5) break;
        }
        output.WriteLine($"{ops} operations, {crashes} crashes, {partitions} partitions");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Three_nodes_stay_safe_and_linearizable_under_drops_crashes_and_partitions() =>
        RunSeeds(new SimOptions { Nodes = 3 }, 1500);

    [Fact]
    public void Five_nodes_stay_safe_and_linearizable_under_drops_crashes_and_partitions() =>
        RunSeeds(new SimOptions { Nodes = 5, Clients = 5 }, 500);

    [Fact]
    public void Heavy_faults_with_long_delays_never_choose_two_values() =>
        RunSeeds(new SimOptions { Nodes = 3, DropRate = 0.2, DuplicateRate = 0.1, LongDelayRate = 0.1, CrashRatePerTick = 0.01, SnapshotEvery = 3 }, 500);

    [Fact]
    public void Three_acceptors_and_two_learners_agree_converge_and_stay_linearizable() =>
        RunSeeds(new SimOptions { Nodes = 3, Learners = 2, Clients = 5 }, 500);

    [Fact]
    public void A_run_is_reproducible_from_its_seed()
    {
        var a = new Simulator(42, new SimOptions()).Run();
        var b = new Simulator(42, new SimOptions()).Run();
        Assert.Equal(a.History, b.History);
        Assert.Equal(a.MessagesDelivered, b.MessagesDelivered);
    }

    [Fact]
    public void The_simulation_catches_an_acceptor_that_forgets_what_it_promised()
    {
        // Failpoint: acceptors reply but lose their journal on a crash. The checks must notice.
        var options = new SimOptions { Nodes = 3, AcceptorSkipsPersist = true, CrashRatePerTick = 0.02, DropRate = 0.1 };
        var caught = Enumerable.Range(1, 300)
            .Select(seed => new Simulator(seed, options).Run())
            .Count(r => r.Violations.Any(v => v.StartsWith("agreement", StringComparison.Ordinal))
                        || (r.Violations.Count == 0 && SimChecks.Linearizability(r).Any()));
        output.WriteLine($"{caught} of 300 seeds caught the forgetful acceptor");
        Assert.True(caught > 0, "no seed detected acceptors that lose promised and accepted state");
    }
}
