namespace Actors.Core.Log;

/// <summary>
/// A service on the log: a deterministic state machine that owns some of the log's operations. <see cref="ReplicatedState"/>
/// holds an ordered list of them, routes every operation to the one that owns it, holds every service's data to
/// <see cref="LogRules.MaxStateBytes"/>, and deduplicates retries for all of them with the client sessions. A service
/// sees nothing but its operations, the slot they are applied at and its own state, so every replica gets the same
/// replies and the same state.
/// </summary>
public interface ILogService
{
    /// <summary>
    /// The service's id, which every command for it carries (<see cref="LogCommand.Service"/>): unique among the services
    /// of a log and never changed, since the log and its snapshots keep it.
    /// </summary>
    int Id { get; }

    /// <summary>A short stable name, used in errors and logs ("kv", "ring", "journal").</summary>
    string Name { get; }

    /// <summary>
    /// Reads an operation of this service from the bytes a command carries (what <see cref="LogOp.Encode"/> wrote).
    /// Throws <see cref="LogFormatException"/> for bytes it cannot read; the command is then refused, the same on every replica.
    /// </summary>
    LogOp Decode(ReadOnlySpan<byte> bytes);

    /// <summary>Bytes of data the service holds, counted against <see cref="LogRules.MaxStateBytes"/>.</summary>
    long Bytes { get; }

    /// <summary>
    /// Bytes <paramref name="op"/> would add to <see cref="Bytes"/> if applied (zero or less when it adds none or would
    /// be refused anyway): an operation that would grow the data past the state's limit is refused before it is applied.
    /// </summary>
    long Growth(LogOp op);

    /// <summary>
    /// Applies <paramref name="op"/>, the operation of slot <paramref name="slot"/>, and returns its reply.
    /// <paramref name="logTime"/> is the log's time at that slot (the leader's stamps, never going back): what expires in
    /// a service expires by it, so every replica expires the same thing at the same slot.
    /// </summary>
    CommandResult Apply(LogOp op, long slot, long logTime);

    /// <summary>
    /// Answers a read (<see cref="LogOp.IsRead"/>) from the state as it is after slot <paramref name="slot"/> (log time
    /// <paramref name="logTime"/>), changing nothing.
    /// </summary>
    CommandResult Read(LogOp op, long slot, long logTime);

    /// <summary>
    /// The service's data as a snapshot section (its id, its section format, the bytes), which its registration's
    /// <see cref="LogServiceRegistration.Create"/> reads back; null when it holds nothing to keep.
    /// </summary>
    ServiceSection? Save();
}

/// <summary>
/// How the log makes a service: its id and a factory that builds it from the log's rules and its snapshot section (null:
/// a new log, or a snapshot written before the service existed). One line in <see cref="ReplicatedState.BuiltIn"/>
/// registers a service.
/// </summary>
public sealed record LogServiceRegistration(int Id, string Name, Func<LogRules, ServiceSection?, ILogService> Create);

/// <summary>The log's own service: the <see cref="ReadBarrier"/>, answered with the slot applied through.</summary>
public sealed class BarrierService : ILogService
{
    /// <summary>The log's own service id.</summary>
    public const int ServiceId = 4;

    public static readonly LogServiceRegistration Registration = new(ServiceId, "log", (_, _) => new BarrierService());

    public ServiceSection? Save() => null;

    public int Id => ServiceId;

    public string Name => "log";

    public LogOp Decode(ReadOnlySpan<byte> bytes)
    {
        var m = LogFormatException.Parse<Schema.LogOperation>(bytes, Name);
        return m.OpCase == Schema.LogOperation.OpOneofCase.ReadBarrier ? ReadBarrier.Instance : throw LogFormatException.NoOperation(Name);
    }

    public long Bytes => 0;

    public long Growth(LogOp op) => 0;

    public CommandResult Apply(LogOp op, long slot, long logTime) => CommandResult.Ok;

    /// <summary>The slot applied through (8 bytes, little-endian), which the reader then requires of the replica it reads.</summary>
    public CommandResult Read(LogOp op, long slot, long logTime) => new(CommandStatus.Ok, BitConverter.GetBytes(slot));
}
