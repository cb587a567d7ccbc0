using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Kv;

/// <summary>
/// The key-value service of the replicated state. Deterministic: the same operations in the same order give the same
/// data and replies on every node. Deduplication of retries is the sessions' job (<see cref="ReplicatedState"/>).
/// </summary>
public sealed class KvStateMachine : ILogService
{
    /// <summary>The key-value service's id on the log.</summary>
    public const int ServiceId = 1;

    int ILogService.Id => ServiceId;

    string ILogService.Name => "kv";

    public static readonly LogServiceRegistration Registration =
        new(ServiceId, "kv", (rules, section) => new KvStateMachine(rules.Limits, KvSection.Decode(section)));

    LogOp ILogService.Decode(ReadOnlySpan<byte> bytes) => KvCodec.Decode(bytes);

    ServiceSection ILogService.Save() => Section().Encode();

    long ILogService.Growth(LogOp op) => op is KvOp kv ? Growth(kv) : 0;

    CommandResult ILogService.Apply(LogOp op, long slot, long logTime) => Execute((KvOp)op);

    CommandResult ILogService.Read(LogOp op, long slot, long logTime) => Execute((KvOp)op);

    private readonly Dictionary<string, byte[]> _data = new(StringComparer.Ordinal);
    private readonly KvLimits _limits;

    public KvStateMachine(KvLimits limits, KvSection? section = null)
    {
        _limits = limits;
        if (section is null) return;
        foreach (var e in section.Entries) Set(e.Key, e.Value);
    }

    /// <summary>Number of keys held.</summary>
    public int Count => _data.Count;

    /// <summary>Bytes the data takes in a snapshot (each key and value with their length prefixes).</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// How many bytes <paramref name="op"/> would add to <see cref="Bytes"/> if applied (negative or zero when it adds
    /// none; 0 for an operation the limits refuse). A cas is counted as if it swaps.
    /// </summary>
    public long Growth(KvOp op)
    {
        if (_limits.Validate(op) is not null) return 0;
        var value = op switch
        {
            KvPut put => put.Value,
            KvCas cas => cas.NewValue,
            _ => null,
        };
        if (value is null) return 0;
        return EntryBytes(op.Key, value) - (_data.TryGetValue(op.Key, out var old) ? EntryBytes(op.Key, old) : 0);
    }

    /// <summary>Reads local state directly. Not linearizable: for tests, status and snapshots only.</summary>
    public byte[]? Peek(string key) => _data.TryGetValue(key, out var v) ? v : null;

    /// <summary>Applies <paramref name="op"/> and returns its reply.</summary>
    public CommandResult Execute(KvOp op)
    {
        var error = _limits.Validate(op);
        if (error is not null) return new CommandResult(CommandStatus.Rejected, null, error);

        switch (op)
        {
            case KvPut put:
                Set(put.Key, put.Value);
                return CommandResult.Ok;
            case KvGet get:
                return _data.TryGetValue(get.Key, out var value) ? new CommandResult(CommandStatus.Ok, value) : CommandResult.NotFound;
            case KvCas cas:
            {
                var found = _data.TryGetValue(cas.Key, out var current);
                var matches = cas.Expected is null ? !found : found && current!.AsSpan().SequenceEqual(cas.Expected);
                if (!matches) return new CommandResult(CommandStatus.CasFailed, current);
                Set(cas.Key, cas.NewValue);
                return CommandResult.Ok;
            }
            case KvDelete del:
                if (!_data.Remove(del.Key, out var removed)) return CommandResult.NotFound;
                Bytes -= EntryBytes(del.Key, removed);
                return CommandResult.Ok;
            default:
                return new CommandResult(CommandStatus.Rejected, null, $"unknown operation {op.GetType().Name}");
        }
    }

    private void Set(string key, byte[] value)
    {
        if (_data.TryGetValue(key, out var old)) Bytes -= EntryBytes(key, old);
        _data[key] = value;
        Bytes += EntryBytes(key, value);
    }

    private static long EntryBytes(string key, byte[] value) => EncodedSize.String(key) + EncodedSize.Bytes(value);

    /// <summary>The data in key order, for a snapshot.</summary>
    public KvSection Section() => new(
        _data.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KvEntry(kv.Key, kv.Value)).ToImmutableArray());
}
