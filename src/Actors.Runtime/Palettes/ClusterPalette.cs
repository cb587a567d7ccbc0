using System.Text;
using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Akka.Actor;
using Akka.Cluster;

namespace Actors.Runtime.Palettes;

/// <summary>
/// <c>cluster ...</c>: Akka.Cluster membership as this node sees it, and the membership actions of pbm's
/// cluster palette (leave, join, down, down-unreachable).
/// </summary>
public sealed class ClusterPalette : CommandPalette
{
    private readonly Cluster _cluster;

    public ClusterPalette(ActorSystem system) : base("cluster", "Akka.Cluster membership: show, status, leader, leave, join, down.")
    {
        _cluster = Cluster.Get(system);
        Register(new CommandSpec("show", "", "One line per member: address | roles | status | reachability."), Show);
        Register(new CommandSpec("status", "", "This node's membership status and a summary of the cluster."), Status);
        Register(new CommandSpec("leader", "", "The cluster leader's address."), Leader);
        Register(new CommandSpec("leave", "", "This node leaves the cluster gracefully (and then stops)."), Leave);
        Register(new CommandSpec("join", "ADDRESS", "This node joins the cluster at ADDRESS (akka.tcp://actors@host:port)."), Join);
        Register(new CommandSpec("down", "ADDRESS", "Marks the member at ADDRESS down."), Down);
        Register(new CommandSpec("down-unreachable", "", "Marks every unreachable member down."), DownUnreachable);
    }

    private sealed record MemberView(string Address, string[] Roles, string Status, bool Reachable, bool Self);

    private IReadOnlyList<MemberView> Members()
    {
        var state = _cluster.State;
        return state.Members
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new MemberView(
                m.Address.ToString(),
                m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToArray(),
                m.Status.ToString(),
                !state.Unreachable.Contains(m),
                m.Address.Equals(_cluster.SelfAddress)))
            .ToList();
    }

    private CommandResponse Show(CommandContext ctx)
    {
        var members = Members();
        return ctx.Ok(new { members, count = members.Count }, _ =>
        {
            var sb = new StringBuilder();
            foreach (var m in members)
                sb.AppendLine($"{m.Address} | {(m.Roles.Length == 0 ? "[]" : "[" + string.Join(",", m.Roles) + "]")} | {m.Status} | {(m.Reachable ? "Reachable" : "Unreachable")}");
            sb.AppendLine($"Count: {members.Count} nodes");
            return sb.ToString();
        });
    }

    private CommandResponse Status(CommandContext ctx)
    {
        var members = Members();
        var self = members.FirstOrDefault(m => m.Self);
        var view = new
        {
            self = _cluster.SelfAddress.ToString(),
            status = _cluster.SelfMember.Status.ToString(),
            leader = _cluster.State.Leader?.ToString(),
            members = members.Count,
            up = members.Count(m => m.Status == nameof(MemberStatus.Up)),
            unreachable = members.Count(m => !m.Reachable),
        };
        return ctx.Ok(view, v =>
            $"{v.self} is {v.status}{(self is { Reachable: false } ? " (unreachable)" : "")}\n" +
            $"leader: {v.leader ?? "none"}\nmembers: {v.members} ({v.up} up, {v.unreachable} unreachable)\n");
    }

    private CommandResponse Leader(CommandContext ctx)
    {
        var leader = _cluster.State.Leader?.ToString();
        return leader is null
            ? ctx.Negative(new { leader }, _ => "no leader\n")
            : ctx.Ok(new { leader }, _ => leader + "\n");
    }

    private CommandResponse Leave(CommandContext ctx)
    {
        _cluster.Leave(_cluster.SelfAddress);
        return ctx.Ok(new { leaving = _cluster.SelfAddress.ToString() }, v => $"{v.leaving} is leaving the cluster\n");
    }

    private CommandResponse Join(CommandContext ctx)
    {
        if (!TryAddress(ctx.Args[0], out var address, out var error)) return ctx.Error(error);
        _cluster.Join(address);
        return ctx.Ok(new { joining = address.ToString() }, v => $"joining {v.joining}\n");
    }

    private CommandResponse Down(CommandContext ctx)
    {
        if (!TryAddress(ctx.Args[0], out var address, out var error)) return ctx.Error(error);
        if (!_cluster.State.Members.Any(m => m.Address.Equals(address)))
            return ctx.Error($"{address} is not a member; see 'cluster show'");
        _cluster.Down(address);
        return ctx.Ok(new { down = new[] { address.ToString() } }, _ => $"marked {address} down\n");
    }

    private CommandResponse DownUnreachable(CommandContext ctx)
    {
        var unreachable = _cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var a in unreachable) _cluster.Down(a);
        return ctx.Ok(new { down = unreachable.Select(a => a.ToString()).ToArray() }, v =>
            v.down.Length == 0 ? "no unreachable members\n" : string.Concat(v.down.Select(a => $"marked {a} down\n")));
    }

    private static bool TryAddress(string text, out Address address, out string error)
    {
        address = Address.AllSystems;
        error = "";
        try
        {
            address = Address.Parse(text);
            if (address.Host is null || address.Port is null) throw new FormatException("host and port are required");
            return true;
        }
        catch (Exception e) when (e is UriFormatException or FormatException or ArgumentException)
        {
            error = $"'{text}' is not an address such as akka.tcp://actors@127.0.0.1:4053 ({e.Message})";
            return false;
        }
    }
}
