using Actors.Core.Ring;
using Xunit;

namespace Actors.Core.Tests.Ring;

public sealed class BoundedLoadsTests
{
    private static RingMember M(int node, double weight = 1) => new(node, $"a{node}", weight);

    private static string[] Shards(int count) => Enumerable.Range(0, count).Select(i => "shard-" + i).ToArray();

    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(2, 0.25)]
    [InlineData(3, 1.0)]
    [InlineData(4, 0.05)]
    public void No_member_holds_more_than_its_cap_and_every_shard_has_an_owner(int seed, double epsilon)
    {
        var random = new Random(seed);
        for (var run = 0; run < 20; run++)
        {
            var members = Enumerable.Range(1, 2 + random.Next(20)).Select(n => M(n, 1 + random.Next(3))).ToList();
            var ring = HashRing.Create(members, 16);
            var shards = Shards(50 + random.Next(2000));
            var assignment = BoundedLoads.Assign(ring, shards, epsilon);

            Assert.Equal(shards.Length, assignment.Count);
            var total = members.Sum(m => m.Weight);
            foreach (var m in members)
            {
                var load = assignment.Values.Count(o => o == m.Node);
                Assert.True(load <= BoundedLoads.CapOf(shards.Length, m.Weight, total, epsilon),
                    $"seed {seed} run {run}: node {m.Node} holds {load} of {shards.Length} shards over its cap");
            }
        }
    }

    [Fact]
    public void The_assignment_depends_only_on_the_ring_and_the_shards()
    {
        var ring = HashRing.Create([M(1), M(2), M(3)]);
        var a = BoundedLoads.Assign(ring, Shards(500), 0.2);
        var b = BoundedLoads.Assign(HashRing.Create([M(3), M(2), M(1)]), Shards(500).Reverse(), 0.2);
        Assert.Equal(a.OrderBy(kv => kv.Key), b.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void A_shard_whose_owner_has_room_stays_on_its_ring_owner()
    {
        // With a cap this loose nobody fills up: bounded loads then equal plain consistent hashing.
        var ring = HashRing.Create([M(1), M(2), M(3)]);
        var assignment = BoundedLoads.Assign(ring, Shards(300), 10);
        Assert.All(assignment, kv => Assert.Equal(ring.OwnerOf(kv.Key), kv.Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void An_epsilon_that_is_not_positive_is_refused(double epsilon) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BoundedLoads.Assign(HashRing.Create([M(1)]), Shards(3), epsilon));
}
