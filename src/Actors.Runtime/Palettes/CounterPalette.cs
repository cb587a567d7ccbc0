using System.Globalization;
using System.Text.Json;
using Actors.Contracts.Cmd;
using Actors.Contracts.Counter;
using Actors.Runtime.Cmd;
using Akka.Actor;

namespace Actors.Runtime.Palettes;

/// <summary>
/// <c>counter add|get</c>: the built-in counter entity type, through this node's shard region (the counter lives on its
/// shard's ring owner, wherever that is).
/// </summary>
public sealed class CounterPalette : CommandPalette
{
    private readonly IActorRef _region;
    private readonly TimeSpan _timeout;

    public CounterPalette(IActorRef region, TimeSpan timeout) : base("counter", "The built-in counter entities, placed on the ring.")
    {
        _region = region;
        _timeout = timeout;
        Register(new CommandSpec("add", "ID N [REQUEST-ID]",
            "Adds N (a whole number, may be negative) to counter ID and prints its value. An add repeated with the same REQUEST-ID is applied once; without one, every call is a new add."), Add);
        Register(new CommandSpec("get", "ID", "Prints the value of counter ID (0 for a counter never added to)."), Get);
    }

    private Task<CommandResponse> Add(CommandContext ctx, CancellationToken ct)
    {
        if (ValidId(ctx.Args[0]) is { } bad) return Task.FromResult(ctx.Error(bad));
        if (!long.TryParse(ctx.Args[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var delta))
            return Task.FromResult(ctx.Error($"N must be a whole number, not '{ctx.Args[1]}'"));
        var requestId = ctx.Args.Count > 2 ? ctx.Args[2] : Guid.NewGuid().ToString("N");
        if (requestId.Length == 0) return Task.FromResult(ctx.Error("REQUEST-ID must not be empty"));
        return Ask(ctx, new CounterAdd(ctx.Args[0], delta, requestId), ct);
    }

    private Task<CommandResponse> Get(CommandContext ctx, CancellationToken ct) =>
        ValidId(ctx.Args[0]) is { } bad ? Task.FromResult(ctx.Error(bad)) : Ask(ctx, new CounterGet(ctx.Args[0]), ct);

    private async Task<CommandResponse> Ask(CommandContext ctx, CounterMessage message, CancellationToken ct)
    {
        if (await AskOrNull<CounterReply>(_region, message, _timeout, ct) is not { } reply)
            return ctx.Error($"counter {message.CounterId} did not answer within {_timeout.TotalSeconds:0.#}s (its shard may be moving, or the log has no quorum); " +
                             "an add may still be applied: repeat it with the same REQUEST-ID");
        if (reply.Error is { } error) return ctx.Error(error);
        var note = message is CounterAdd && !reply.Applied ? " (already applied: this request id was seen before)" : "";
        return ctx.Show(new { id = reply.CounterId, value = reply.Value, applied = reply.Applied },
            () => reply.Value.ToString(CultureInfo.InvariantCulture) + note + "\n");
    }

    private static string? ValidId(string id) =>
        id.Length == 0 ? "ID must not be empty" : id.Length > 256 ? "ID must be at most 256 characters" : null;
}
