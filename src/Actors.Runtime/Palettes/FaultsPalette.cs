using System.Globalization;
using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Actors.Runtime.Paxos;

namespace Actors.Runtime.Palettes;

/// <summary>
/// <c>faults ...</c>: injects network faults into this node's outgoing Paxos traffic (see <see cref="PaxosFaults"/>).
/// Registered only when <c>actors.faults.enabled = on</c>.
/// </summary>
public sealed class FaultsPalette : CommandPalette
{
    private readonly PaxosFaults _faults;
    private readonly PaxosSettings _settings;

    public FaultsPalette(PaxosFaults faults, PaxosSettings settings) : base("faults", "Injects network faults into this node's Paxos traffic (testing only).")
    {
        _faults = faults;
        _settings = settings;
        Register(new CommandSpec("block", "NODES", "Drops every Paxos message to NODES (comma list of node ids; replaces the block list; 'none' clears it)."), Block);
        Register(new CommandSpec("delay", "NODES MS", "Delays Paxos messages to NODES by MS milliseconds (0 removes the delay)."), Delay);
        Register(new CommandSpec("delay-grants", "NODES MS", "Delays the read-index grants to NODES by MS milliseconds (0 removes the delay)."), DelayGrants);
        Register(new CommandSpec("drop", "NODES PROBABILITY", "Drops each Paxos message to NODES with PROBABILITY (0 to 1)."), Drop);
        Register(new CommandSpec("heal", "", "Removes every injected fault."), ctx =>
        {
            _faults.Heal();
            return ctx.Ok("healed\n");
        });
        Register(new CommandSpec("show", "", "Prints the injected faults."), Show);
    }

    private bool TryNodes(string text, out int[] nodes, out string error)
    {
        error = "";
        nodes = [];
        if (text == "none") return true;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > _settings.Members.Length)
            {
                error = $"'{p}' is not a node id (1 to {_settings.Members.Length})";
                return false;
            }
            list.Add(n);
        }
        nodes = list.ToArray();
        return true;
    }

    private CommandResponse Block(CommandContext ctx)
    {
        if (!TryNodes(ctx.Args[0], out var nodes, out var error)) return ctx.Error(error);
        _faults.Block(nodes);
        return ctx.Ok(nodes.Length == 0 ? "no node blocked\n" : $"blocked {string.Join(",", nodes)}\n");
    }

    private CommandResponse Delay(CommandContext ctx) => SetDelay(ctx, _faults.Delay, "");

    private CommandResponse DelayGrants(CommandContext ctx) => SetDelay(ctx, _faults.DelayGrants, "read-index grants to ");

    private CommandResponse SetDelay(CommandContext ctx, Action<IEnumerable<int>, TimeSpan> set, string what)
    {
        if (!TryNodes(ctx.Args[0], out var nodes, out var error)) return ctx.Error(error);
        if (!int.TryParse(ctx.Args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > 60_000)
            return ctx.Error($"'{ctx.Args[1]}' is not a delay in milliseconds (0 to 60000)");
        set(nodes, TimeSpan.FromMilliseconds(ms));
        return ctx.Ok($"delaying {what}{string.Join(",", nodes)} by {ms} ms\n");
    }

    private CommandResponse Drop(CommandContext ctx)
    {
        if (!TryNodes(ctx.Args[0], out var nodes, out var error)) return ctx.Error(error);
        if (!double.TryParse(ctx.Args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 1)
            return ctx.Error($"'{ctx.Args[1]}' is not a probability (0 to 1)");
        _faults.Drop(nodes, p);
        return ctx.Ok($"dropping {p:0.##} of messages to {string.Join(",", nodes)}\n");
    }

    private CommandResponse Show(CommandContext ctx)
    {
        var s = _faults.Current;
        var view = new
        {
            blocked = s.Blocked.Order().ToArray(),
            delays = s.Delays.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => (int)kv.Value.TotalMilliseconds),
            drops = s.Drops.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
            grantDelays = s.GrantDelays.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => (int)kv.Value.TotalMilliseconds),
        };
        return ctx.Ok(view, v => s.IsNone
            ? "no faults\n"
            : $"blocked: {string.Join(",", v.blocked)}\ndelays: {string.Join(", ", v.delays.Select(d => $"{d.Key}={d.Value}ms"))}\ndrops: {string.Join(", ", v.drops.Select(d => $"{d.Key}={d.Value:0.##}"))}\n" +
              $"grant delays: {string.Join(", ", v.grantDelays.Select(d => $"{d.Key}={d.Value}ms"))}\n");
    }
}
