using Actors.Runtime.Ring;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Ring;

public sealed class RingSettingsSpec
{
    private static RingSettings Of(string hocon) => RingSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void A_member_tells_the_cluster_its_weight_through_its_roles()
    {
        Assert.Equal([RingSettings.MemberRole], Of("").Roles);
        var heavy = Of("actors.ring.weight = 2.5");
        Assert.Equal([RingSettings.MemberRole, "ring-weight-2.5"], heavy.Roles);
        Assert.Equal(2.5, RingSettings.WeightOf(heavy.Roles));
        Assert.Equal(1, RingSettings.WeightOf([RingSettings.MemberRole, "paxos-node-3"]));
        Assert.Empty(Of("actors.ring.member = off").Roles);
        Assert.Null(RingSettings.WeightOf(["paxos-node-3", "ring-weight-2"]));
    }

    [Theory]
    [InlineData("actors.ring.weight = 0", "actors.ring.weight must be above 0 and at most 100")]
    [InlineData("actors.ring.weight = -1", "actors.ring.weight must be above 0 and at most 100")]
    [InlineData("actors.ring.virtual-nodes-per-weight = 0", "actors.ring.virtual-nodes-per-weight")]
    public void Invalid_settings_fail_fast_with_the_key_named(string hocon, string message) =>
        Assert.Contains(message, Assert.Throws<ConfigurationException>(() => Of(hocon)).Message);

    [Fact]
    public void The_virtual_nodes_per_weight_are_part_of_the_rules_nodes_compare()
    {
        var a = Kv.KvSettings.Create(ConfigurationFactory.ParseString("actors.ring.virtual-nodes-per-weight = 128")).Rules.Fingerprint;
        var b = Kv.KvSettings.Create(ConfigurationFactory.ParseString("actors.ring.virtual-nodes-per-weight = 64")).Rules.Fingerprint;
        Assert.NotEqual(a, b);
    }
}
