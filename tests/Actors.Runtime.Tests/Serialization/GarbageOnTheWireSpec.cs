using System.Text;
using Actors.Contracts.Kv;
using Actors.Contracts.Serialization;
using Actors.Runtime.Logging;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Xunit;

namespace Actors.Runtime.Tests.Serialization;

/// <summary>Payloads that claim to be public messages but are not.</summary>
public sealed record UnknownKind(string Tag);

public sealed record TruncatedPut(string Tag);

/// <summary>Pretends to be the public-message serializer (same id) and writes what it should not.</summary>
public sealed class GarbageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => ContractsSerializer.Id;

    public override string Manifest(object o) => o is UnknownKind ? "kv.nope" : "kv.put";

    public override byte[] ToBinary(object obj) => obj is UnknownKind ? [1, 2, 3] : [9, 0, 0, 0, (byte)'k'];

    public override object FromBinary(byte[] bytes, string manifest) => throw new NotSupportedException();
}

public sealed class GarbageOnTheWireSpec
{
    [Fact]
    public async Task An_unknown_manifest_or_malformed_bytes_are_logged_and_dropped_and_the_node_keeps_serving()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var target = c.Systems[0]!;
        var address = ((ExtendedActorSystem)target).Provider.DefaultAddress;

        var rogueConfig = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.actor.serializers.garbage = "{{typeof(GarbageSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings {
              "{{typeof(UnknownKind).AssemblyQualifiedName}}" = garbage
              "{{typeof(TruncatedPut).AssemblyQualifiedName}}" = garbage
            }
            akka.loglevel = WARNING
            """);
        using var rogue = ActorSystem.Create("rogue", rogueConfig);
        var kv = rogue.ActorSelection($"{address}/user/kv");
        kv.Tell(new UnknownKind("x"));
        kv.Tell(new TruncatedPut("y"));

        await c.AwaitAssertAsync(() =>
        {
            Assert.Contains(LogRing.For(target).Last(LogRing.Capacity), l => l.Contains("kv.nope"));
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(20));

        var reply = await c.AskKv(0, new Put("after-garbage", Encoding.UTF8.GetBytes("fine"), "g", 1));
        Assert.Equal(KvReplyStatus.Ok, reply.Status);
        var read = await c.AskKv(0, new Get("after-garbage", "g", 2));
        Assert.Equal("fine", Encoding.UTF8.GetString(read.Value!));
    }
}
