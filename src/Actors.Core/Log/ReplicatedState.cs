using System.Collections.Immutable;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Ring;

namespace Actors.Core.Log;

/// <summary>
/// The state every replica builds from the log: the client sessions, which deduplicate retries for every service, and an
/// ordered list of services (<see cref="ILogService"/>): the key-value store, the ring membership, the journal of
/// persistent actors and the log's read barrier. Each operation goes to the service that owns it.
/// Deterministic: the same slots in the same order give the same state and replies on every node, because nothing but
/// the log (its commands and the leader's time stamps) goes in.
/// </summary>
public sealed class ReplicatedState
{
    /// <summary>
    /// Client ids starting with this prefix are single-use (one per request from a client that gave no id): their
    /// commands keep no session, so they cost nothing after they are answered.
    /// </summary>
    public const string EphemeralPrefix = "~";

    /// <summary>The id of the client sessions' section in a snapshot (no service has it).</summary>
    public const int SessionsSectionId = 0;

    /// <summary>
    /// The services of every log, in the order they are registered. Adding a service is its folder and one line here:
    /// its id, its operations and its section are its own.
    /// </summary>
    public static readonly ImmutableArray<LogServiceRegistration> BuiltIn =
    [
        KvStateMachine.Registration,
        RingStateMachine.Registration,
        JournalStateMachine.Registration,
        BarrierService.Registration,
    ];

    private readonly LogRules _rules;
    private readonly SessionTable _sessions;
    private readonly RingStateMachine _ring;
    private readonly JournalStateMachine _journal;

    /// <summary>The services, in the order they were registered.</summary>
    private readonly ILogService[] _services;

    private readonly Dictionary<int, ILogService> _byId = new();
    private long _slot;

    /// <param name="rules">The rules commands apply with (equal on every node).</param>
    /// <param name="snapshot">The state to start from, or null for a new log.</param>
    /// <param name="more">Services beyond <see cref="BuiltIn"/> (a log of an application's own, tests), after them in order.</param>
    /// <exception cref="LogFormatException">The snapshot has a section this node cannot read: of a service it does not
    /// run, or in a format it does not know.</exception>
    public ReplicatedState(LogRules rules, StateSnapshot? snapshot = null, IEnumerable<LogServiceRegistration>? more = null)
    {
        _rules = rules.Validate();
        snapshot ??= StateSnapshot.Empty;
        LogTime = snapshot.LogTime;
        _slot = snapshot.AppliedThrough;
        var registrations = BuiltIn.Concat(more ?? []).ToList();
        foreach (var section in snapshot.Sections.IsDefault ? [] : snapshot.Sections)
            if (section.Service != SessionsSectionId && registrations.All(r => r.Id != section.Service))
                throw new LogFormatException(
                    $"the snapshot at slot {snapshot.AppliedThrough} has a section of service {section.Service}, which this node does not run (upgrade this node)",
                    newer: true);
        _sessions = new SessionTable(rules, SessionsSection.Decode(snapshot.Section(SessionsSectionId)).Sessions);
        _services = new ILogService[registrations.Count];
        for (var i = 0; i < registrations.Count; i++)
        {
            var r = registrations[i];
            if (r.Id <= SessionsSectionId) throw new ArgumentException($"service {r.Name}: ids start at {SessionsSectionId + 1} (got {r.Id})");
            var service = r.Create(rules, snapshot.Section(r.Id));
            if (service.Id != r.Id) throw new ArgumentException($"service {r.Name} is registered with id {r.Id} but has id {service.Id}");
            if (!_byId.TryAdd(r.Id, service))
                throw new ArgumentException($"services {_byId[r.Id].Name} and {service.Name} both have id {r.Id}");
            _services[i] = service;
        }
        Kv = Service<KvStateMachine>();
        _ring = Service<RingStateMachine>();
        _journal = Service<JournalStateMachine>();
    }

    /// <summary>The registered service of type <typeparamref name="T"/>.</summary>
    public T Service<T>() where T : ILogService => _services.OfType<T>().Single();

    /// <summary>The services on the log, in the order they were registered.</summary>
    public IReadOnlyList<ILogService> Services => _services;

    /// <summary>True for single-use client ids (see <see cref="EphemeralPrefix"/>).</summary>
    public static bool IsEphemeral(string clientId) => clientId.StartsWith(EphemeralPrefix, StringComparison.Ordinal);

    /// <summary>The key-value service.</summary>
    public KvStateMachine Kv { get; }

    /// <summary>The ring as agreed through the log so far (immutable; a new instance after every change).</summary>
    public RingState Ring => _ring.State;

    /// <summary>The journal service: events and snapshots of persistent actors (read it after a <see cref="ReadBarrier"/>).</summary>
    public JournalStateMachine Journal => _journal;

    /// <summary>The highest leader time stamp applied so far; never goes back.</summary>
    public long LogTime { get; private set; }

    /// <summary>Client sessions held.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Bytes the state takes, as a snapshot encodes it: the services' data (<see cref="DataBytes"/>) and the client sessions.</summary>
    public long Bytes => DataBytes + _sessions.Bytes;

    /// <summary>
    /// Bytes the services' data takes (key-value entries and the journal): a write that would grow it past
    /// <see cref="LogRules.MaxStateBytes"/> is refused. Sessions are not held to that limit (a refused write keeps its
    /// reply in its client's session too, which would fill a full state further): their time to live bounds them.
    /// </summary>
    public long DataBytes => _services.Sum(s => s.Bytes);

    /// <summary>
    /// Slot <paramref name="slot"/>, stamped <paramref name="stamp"/>, is being applied: log time moves forward (never
    /// back), expired sessions go, and services that version their state by slot take this one.
    /// </summary>
    public void Advance(long slot, long stamp)
    {
        _slot = slot;
        if (stamp <= LogTime) return;
        var before = LogTime;
        LogTime = stamp;
        _sessions.Advance(before, stamp);
    }

    /// <summary>
    /// A command as this version reads it: the service it is for and its operation, or the reply that refuses it (malformed
    /// bytes, refused alike by every version).
    /// </summary>
    public readonly record struct Readable(LogCommand Command, ILogService? Service, LogOp? Op, CommandResult? Refused);

    /// <summary>
    /// Reads <paramref name="command"/> for <see cref="Apply(Readable)"/>.
    /// </summary>
    /// <exception cref="LogFormatException">With <see cref="LogFormatException.Newer"/>: the command is for a service this
    /// node does not run, or carries an operation or fields this version does not know (written by a newer version). It
    /// must not be applied by this version, nor refused: a replica that knows it applies it.</exception>
    public Readable Decode(LogCommand command)
    {
        if (!_byId.TryGetValue(command.Service, out var service))
            throw new LogFormatException($"no service with id {command.Service} on this node (written by a newer version? upgrade this node)", newer: true);
        try
        {
            return new Readable(command, service, service.Decode(command.Op), null);
        }
        catch (LogFormatException e) when (!e.Newer)
        {
            return new Readable(command, service, null, new CommandResult(CommandStatus.Rejected, null, e.Message));
        }
    }

    /// <summary>
    /// Reads every command of a slot, or says why this version cannot apply the slot at all (<see cref="Decode(LogCommand)"/>):
    /// the slot is applied whole or not at all.
    /// </summary>
    public IReadOnlyList<Readable>? DecodeAll(IReadOnlyList<LogCommand> commands, out string? unknown)
    {
        unknown = null;
        var read = new Readable[commands.Count];
        for (var i = 0; i < read.Length; i++)
        {
            try
            {
                read[i] = Decode(commands[i]);
            }
            catch (LogFormatException e)
            {
                unknown = $"command {commands[i].ClientId}/{commands[i].Seq}: {e.Message}";
                return null;
            }
        }
        return read;
    }

    /// <summary>Applies <paramref name="command"/> unless it is a retry, and returns its reply.</summary>
    /// <exception cref="LogFormatException">The command is unknown to this version (<see cref="Decode(LogCommand)"/>).</exception>
    public CommandResult Apply(LogCommand command) => Apply(Decode(command));

    /// <summary>Applies a command read by <see cref="Decode(LogCommand)"/> unless it is a retry, and returns its reply.</summary>
    public CommandResult Apply(Readable readable)
    {
        var (command, service, op, refused) = readable;
        if (op is null) return refused!;
        if (IsEphemeral(command.ClientId)) return Execute(service!, op);
        if (command.Seq < 1)
            return new CommandResult(CommandStatus.Rejected, null, $"client {command.ClientId}: seq must be at least 1 (got {command.Seq})");

        var digest = CommandDigest.Of(op);
        if (_sessions.Find(command.ClientId) is { } session)
        {
            if (command.Seq < session.Seq) return CommandResult.StaleRetry;
            if (command.Seq == session.Seq)
            {
                if (session.Digest != digest)
                    return new CommandResult(CommandStatus.Rejected, null,
                        $"client {command.ClientId}: seq {command.Seq} was already used for another command; use a new seq");
                _sessions.Record(session with { LastActive = LogTime });
                // A read keeps no value: its retry reads again, at a point inside the retry's own interval.
                return session.Result ?? Execute(service!, op);
            }
        }

        else if (command.Issued > 0 && command.Issued < LogTime - _rules.SessionTtl)
        {
            // No session, and issued before the oldest time a session still held could have been last active: this client's
            // session may have held this very command and expired since. Applying it as new could repeat it.
            return new CommandResult(CommandStatus.SessionExpired, null,
                $"client {command.ClientId}: session expired: seq {command.Seq} was issued at log time {command.Issued}, more than the " +
                $"session time to live ({_rules.SessionTtl} ms) before the log's time ({LogTime}), and the client has no session; " +
                "it was not applied now, and may have been applied before its session expired");
        }

        var result = Execute(service!, op);
        _sessions.Record(new Session(command.ClientId, command.Seq, digest, op.IsRead ? null : result, LogTime));
        return result;
    }

    /// <summary>
    /// A read off the log (by read index): answered from the state as it is, changing nothing. A
    /// <see cref="ReadBarrier"/> is answered with the slot applied through (8 bytes, little-endian), which the reader then
    /// requires of the replica it reads (<see cref="BarrierSlot"/>). A read this node cannot read is refused (reads come
    /// from this node's own entry point, and never enter the log).
    /// </summary>
    public CommandResult Read(LogCommand read)
    {
        Readable r;
        try
        {
            r = Decode(read);
        }
        catch (LogFormatException e)
        {
            return new CommandResult(CommandStatus.Rejected, null, e.Message);
        }
        if (r.Op is not { } op) return r.Refused!;
        return op.IsRead ? r.Service!.Read(op, _slot, LogTime) : new CommandResult(CommandStatus.Rejected, null, $"{r.Service!.Name}: {op.GetType().Name} is not a read");
    }

    /// <summary>The operation <paramref name="command"/> carries, as its service reads it (for status, tests and tools).</summary>
    /// <exception cref="LogFormatException">No service has its id, or its service cannot read it.</exception>
    public LogOp Operation(LogCommand command)
    {
        var read = Decode(command);
        return read.Op ?? throw new LogFormatException(read.Refused!.Error!);
    }

    /// <summary>The slot a <see cref="ReadBarrier"/>'s answer names, or -1 for another answer.</summary>
    public static long BarrierSlot(CommandResult result) =>
        result.Status == CommandStatus.Ok && result.Value is { Length: 8 } bytes ? BitConverter.ToInt64(bytes) : -1;

    /// <summary>The slot applied through.</summary>
    public long AppliedThrough => _slot;

    /// <summary>The whole state, tagged with <paramref name="appliedThrough"/>: the sessions' section, then each service's in order.</summary>
    public StateSnapshot Snapshot(long appliedThrough)
    {
        var sections = ImmutableArray.CreateBuilder<ServiceSection>(_services.Length + 1);
        sections.Add(new SessionsSection(_sessions.Snapshot()).Encode());
        foreach (var service in _services)
            if (service.Save() is { } section) sections.Add(section);
        return new(appliedThrough, LogTime, sections.ToImmutable());
    }

    /// <summary>Applies an operation in its service, unless it would grow the data past the state's limit.</summary>
    private CommandResult Execute(ILogService service, LogOp op)
    {
        var growth = service.Growth(op);
        if (growth > 0 && DataBytes + growth > _rules.MaxStateBytes)
            return new CommandResult(CommandStatus.Rejected, null,
                $"state full: the replicated state holds {DataBytes} bytes of data and this {op.GetType().Name} would add {growth}, over " +
                $"actors.log.max-state-bytes ({_rules.MaxStateBytes}); delete keys or events to make room (deletes and reads still pass)");
        return service.Apply(op, _slot, LogTime);
    }
}
