using System.Reflection;
using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

/// <summary>
/// The consensus knows nothing of the services on the log: no type of <c>Actors.Core.Paxos</c> names a type of the
/// key-value store, the ring or the journal in its signature (base type, interfaces, fields, properties, constructors,
/// methods, generic arguments included). A service's types reach the consensus only through the log's own types.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] Services = ["Actors.Core.Kv", "Actors.Core.Ring", "Actors.Core.Journal"];

    [Fact]
    public void No_signature_in_the_consensus_names_a_service_type()
    {
        var paxos = typeof(Proposer).Assembly.GetTypes().Where(t => t.Namespace == "Actors.Core.Paxos").ToList();
        Assert.NotEmpty(paxos);
        var found = paxos.SelectMany(t => Signature(t).Where(IsService).Select(u => $"{t.FullName} uses {u.FullName}")).Distinct().ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void The_check_sees_a_service_type_in_a_signature()
    {
        // The check itself: a type whose property is a key-value operation is caught.
        Assert.Contains(Signature(typeof(Holder)), IsService);
    }

    private sealed record Holder(Actors.Core.Kv.KvPut Put);

    private static bool IsService(Type t) => Services.Any(s => t.Namespace == s || t.Namespace?.StartsWith(s + ".", StringComparison.Ordinal) == true);

    private static IEnumerable<Type> Signature(Type t)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var direct = new List<Type>();
        if (t.BaseType is { } b) direct.Add(b);
        direct.AddRange(t.GetInterfaces());
        direct.AddRange(t.GetFields(all).Select(f => f.FieldType));
        direct.AddRange(t.GetProperties(all).Select(p => p.PropertyType));
        foreach (var m in t.GetMethods(all))
        {
            direct.Add(m.ReturnType);
            direct.AddRange(m.GetParameters().Select(p => p.ParameterType));
        }
        foreach (var c in t.GetConstructors(all)) direct.AddRange(c.GetParameters().Select(p => p.ParameterType));
        return direct.SelectMany(Expand);
    }

    /// <summary>The type and every type inside it: element types and generic arguments.</summary>
    private static IEnumerable<Type> Expand(Type t)
    {
        yield return t;
        if (t.HasElementType && t.GetElementType() is { } e)
            foreach (var inner in Expand(e)) yield return inner;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
            foreach (var inner in Expand(a))
                yield return inner;
    }
}
