using System.Text;
using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;
using Akka.Actor;

namespace Actors.Runtime.Palettes;

/// <summary><c>actor hierarchy [-d DEPTH] [-s PATH]</c>: the live actor tree of this node, found by identifying children level by level.</summary>
public sealed class ActorPalette : CommandPalette
{
    private readonly ActorSystem _system;

    /// <summary>How long a level waits for the last of its children to answer.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);

    public ActorPalette(ActorSystem system) : base("actor", "The actors of this node.")
    {
        _system = system;
        Register(new CommandSpec("hierarchy", "[OPTIONS...]",
            "Prints the actor tree: -d DEPTH levels (default 4), -s PATH to start below (default /user and /system)."), Hierarchy);
    }

    private sealed record Node(string Path, List<Node> Children);

    private async Task<CommandResponse> Hierarchy(CommandContext ctx, CancellationToken ct)
    {
        var depth = 4;
        var roots = new List<string> { "/user", "/system" };
        for (var i = 0; i < ctx.Args.Count; i++)
        {
            var a = ctx.Args[i];
            if ((a == "-d" || a == "--depth") && i + 1 < ctx.Args.Count)
            {
                if (!int.TryParse(ctx.Args[++i], out depth) || depth < 1 || depth > 20)
                    return ctx.Error($"-d takes a depth from 1 to 20, got '{ctx.Args[i]}'");
            }
            else if ((a == "-s" || a == "--start") && i + 1 < ctx.Args.Count)
            {
                var path = ctx.Args[++i].TrimEnd('/');
                if (!path.StartsWith('/')) return ctx.Error($"-s takes an absolute path such as /user/paxos, got '{ctx.Args[i]}'");
                roots = [path.Length == 0 ? "/" : path];
            }
            else
            {
                return ctx.Error($"unknown option '{a}'; usage: actor hierarchy [-d DEPTH] [-s PATH]");
            }
        }

        var top = roots.Select(r => new Node(r, new List<Node>())).ToList();
        if (roots.Count == 1 && roots[0] != "/")
        {
            var found = await Identify([roots[0]], ct);
            if (found.Count == 0) return ctx.Error($"no actor at {roots[0]}");
        }
        var level = top;
        for (var d = 0; d < depth && level.Count > 0; d++)
        {
            var children = await Identify(level.Select(n => n.Path == "/" ? "/*" : n.Path + "/*").ToList(), ct);
            var next = new List<Node>();
            foreach (var parent in level)
            {
                var prefix = parent.Path == "/" ? "/" : parent.Path + "/";
                foreach (var child in children.Where(c => c.StartsWith(prefix, StringComparison.Ordinal) && !c[prefix.Length..].Contains('/')).Order(StringComparer.Ordinal))
                {
                    var node = new Node(child, new List<Node>());
                    parent.Children.Add(node);
                    next.Add(node);
                }
            }
            level = next;
        }

        if (ctx.Json) return ctx.Ok(System.Text.Json.JsonSerializer.Serialize(top.Select(ToJson)) + "\n");
        var sb = new StringBuilder();
        foreach (var root in top) Render(root, 0, sb);
        return ctx.Ok(sb.ToString());
    }

    private static object ToJson(Node n) => new { path = n.Path, children = n.Children.Select(ToJson) };

    private static void Render(Node n, int indent, StringBuilder sb)
    {
        sb.Append(' ', indent * 2).AppendLine(indent == 0 ? n.Path : n.Path[(n.Path.LastIndexOf('/') + 1)..]);
        foreach (var c in n.Children) Render(c, indent + 1, sb);
    }

    /// <summary>Paths (without address) of the actors answering Identify on the given selections.</summary>
    private async Task<HashSet<string>> Identify(IReadOnlyList<string> selections, CancellationToken ct)
    {
        var inbox = Inbox.Create(_system);
        try
        {
            foreach (var s in selections) _system.ActorSelection(s).Tell(new Identify(null), inbox.Receiver);
            var paths = new HashSet<string>(StringComparer.Ordinal);
            while (!ct.IsCancellationRequested)
            {
                object reply;
                try
                {
                    reply = await inbox.ReceiveAsync(Quiet);
                }
                catch (TimeoutException)
                {
                    break;
                }
                if (reply is ActorIdentity { Subject: { } actor })
                    paths.Add("/" + string.Join("/", actor.Path.Elements));
            }
            return paths;
        }
        finally
        {
            inbox.Dispose();
        }
    }
}
