using System.Text;
using Actors.Contracts.Client;
using Akka.Actor;
using Akka.Configuration;

// A system of its own (name "sample", not a cluster member) that writes and reads through ActorsClient.
// usage: Actors.Sample.Client [CONTACT-POINT...]   (default: the three nodes of scripts/local-cluster.sh start 3)
var contacts = args.Length > 0
    ? args
    : ["akka.tcp://actors@127.0.0.1:4053", "akka.tcp://actors@127.0.0.1:4054", "akka.tcp://actors@127.0.0.1:4055"];

var config = ConfigurationFactory.ParseString("""
    akka.actor.provider = remote
    akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
    akka.loglevel = WARNING
    """).WithFallback(ActorsClientConfig.Default);

using var system = ActorSystem.Create("sample", config);
try
{
    Console.WriteLine($"connecting to {string.Join(", ", contacts)} ...");
    await using var client = await ActorsClient.ConnectAsync(system, contacts);
    var status = await client.GetStatusAsync();
    Console.WriteLine($"connected to node {status.Node} of {status.Members.Count}; leader is node {status.Leader}, last applied slot {status.LastApplied}");

    var key = "sample-" + DateTime.UtcNow.ToString("HHmmss");
    await client.PutAsync(key, Encoding.UTF8.GetBytes("hello"));
    Console.WriteLine($"put {key} = hello");

    var read = await client.GetAsync(key);
    Console.WriteLine($"get {key} -> {(read is null ? "(absent)" : Encoding.UTF8.GetString(read))}");

    var swapped = await client.CompareAndSetAsync(key, Encoding.UTF8.GetBytes("hello"), Encoding.UTF8.GetBytes("world"));
    Console.WriteLine($"cas {key} hello -> world: {(swapped ? "swapped" : "not swapped")}");
    var again = await client.CompareAndSetAsync(key, Encoding.UTF8.GetBytes("hello"), Encoding.UTF8.GetBytes("again"));
    Console.WriteLine($"cas {key} hello -> again: {(again ? "swapped" : "not swapped")}");

    Console.WriteLine($"get {key} -> {Encoding.UTF8.GetString(await client.GetAsync(key) ?? [])}");
    Console.WriteLine($"delete {key}: {(await client.DeleteAsync(key) ? "deleted" : "absent")}");
    Console.WriteLine($"get {key} -> {(await client.GetAsync(key) is null ? "(absent)" : "still there")}");
    return 0;
}
catch (ActorsClientException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
finally
{
    await system.Terminate();
}
