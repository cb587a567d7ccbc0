using System.Text;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Contracts.Kv;
using Actors.Runtime.Cmd;
using Akka.Actor;

namespace Actors.Runtime.Palettes;

/// <summary>
/// <c>kv put|get|cas|delete</c>: the linearizable key-value store through this node's <c>/user/log</c>.
/// Values are taken and printed as UTF-8 text. Exit 0 on success; 1 when <c>get</c> finds nothing (and
/// prints nothing) or <c>cas</c> does not swap; 2 on errors, with the message on stderr.
/// </summary>
public sealed class KvPalette : CommandPalette
{
    private readonly IActorRef _kv;
    private readonly TimeSpan _timeout;

    public KvPalette(IActorRef kv, TimeSpan timeout) : base("kv", "Linearizable key-value store (reads go through the log).")
    {
        _kv = kv;
        _timeout = timeout;
        Register(new CommandSpec("put", "KEY VALUE", "Stores VALUE under KEY."), (ctx, ct) =>
            Run(ctx, new Put(ctx.Args[0], Bytes(ctx.Args[1]), NewClientId(), 1) { Issued = KvRequest.IssuedOnArrival }, ct));
        Register(new CommandSpec("get", "KEY", "Prints the value of KEY; exit 1 and no output when it is absent."), (ctx, ct) =>
            Run(ctx, new Get(ctx.Args[0], NewClientId(), 1), ct));
        Register(new CommandSpec("cas", "KEY EXPECTED NEW", "Sets KEY to NEW if it holds EXPECTED; exit 1 when it does not."), (ctx, ct) =>
            Run(ctx, new CompareAndSet(ctx.Args[0], Bytes(ctx.Args[1]), Bytes(ctx.Args[2]), NewClientId(), 1) { Issued = KvRequest.IssuedOnArrival }, ct));
        Register(new CommandSpec("delete", "KEY", "Removes KEY (absent keys are fine)."), (ctx, ct) =>
            Run(ctx, new Delete(ctx.Args[0], NewClientId(), 1) { Issued = KvRequest.IssuedOnArrival }, ct));
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>
    /// Each command gets its own client id, so the node may safely resubmit it during a leader change
    /// (the state machine applies a (client id, seq) once). It goes to this node only, once, so it is issued at this node's
    /// log time when it arrives (<see cref="KvRequest.IssuedOnArrival"/>).
    /// </summary>
    private static string NewClientId() => "cmd-" + Guid.NewGuid().ToString("N");

    private static string? Text(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private async Task<CommandResponse> Run(CommandContext ctx, KvRequest request, CancellationToken ct)
    {
        // The entry point answers Timeout itself; this outer limit only guards against a lost reply.
        if (await AskOrNull<KvReply>(_kv, request, _timeout + TimeSpan.FromSeconds(2), ct) is not { } reply)
            return ctx.Error($"no reply from the node within {_timeout.TotalSeconds + 2:0}s");

        var op = ctx.Command;
        if (ctx.Json)
        {
            var json = JsonSerializer.Serialize(new
            {
                op,
                key = request.Key,
                status = reply.Status.ToString().ToLowerInvariant(),
                value = Text(reply.Value),
                error = reply.Error,
            });
            var code = reply.Status switch
            {
                KvReplyStatus.Ok => CommandExitCode.Ok,
                KvReplyStatus.NotFound when op == "delete" => CommandExitCode.Ok,
                KvReplyStatus.NotFound or KvReplyStatus.CasFailed => CommandExitCode.Negative,
                _ => CommandExitCode.Error,
            };
            return new CommandResponse(code, json + "\n", code == CommandExitCode.Error ? $"error: {reply.Error}\n" : "");
        }

        return reply.Status switch
        {
            KvReplyStatus.Ok when op == "get" => ctx.Ok(Text(reply.Value) + "\n"),
            KvReplyStatus.Ok => ctx.Ok(op == "delete" ? "deleted\n" : "OK\n"),
            KvReplyStatus.NotFound when op == "delete" => ctx.Ok("not found (nothing to delete)\n"),
            KvReplyStatus.NotFound => ctx.Negative(""),
            KvReplyStatus.CasFailed => CommandResponse.Negative("",
                reply.Value is null ? "not swapped: the key is absent\n" : $"not swapped: current value is {Text(reply.Value)}\n"),
            _ => ctx.Error(reply.Error ?? reply.Status.ToString()),
        };
    }
}
