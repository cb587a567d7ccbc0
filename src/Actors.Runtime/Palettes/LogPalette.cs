using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Actors.Runtime.Logging;
using Akka.Actor;

namespace Actors.Runtime.Palettes;

/// <summary><c>log peek [-n N]</c>: the node's most recent log lines, kept in memory.</summary>
public sealed class LogPalette : CommandPalette
{
    private readonly LogRing _ring;

    public LogPalette(ActorSystem system) : base("log", "Recent log lines of this node.")
    {
        _ring = LogRing.For(system);
        Register(new CommandSpec("peek", "[OPTIONS...]", $"Prints the last N log lines (-n N, default 50, at most {LogRing.Capacity})."), Peek);
    }

    private CommandResponse Peek(CommandContext ctx)
    {
        var n = 50;
        if (ctx.Args.Count > 0)
        {
            if (ctx.Args.Count != 2 || ctx.Args[0] is not ("-n" or "--lines") || !int.TryParse(ctx.Args[1], out n) || n < 1)
                return ctx.Error("usage: log peek [-n N] with N a positive number");
        }
        var lines = _ring.Last(n);
        return ctx.Ok(new { lines }, v => v.lines.Count == 0 ? "" : string.Join("\n", v.lines) + "\n");
    }
}
