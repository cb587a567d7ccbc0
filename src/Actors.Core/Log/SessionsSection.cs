using System.Collections.Immutable;
using Actors.Core.Log.Schema;

namespace Actors.Core.Log;

/// <summary>The client sessions' section of a snapshot, as the replicated state reads it.</summary>
public sealed record SessionsSection(ImmutableArray<Session> Sessions)
{
    public static readonly SessionsSection Empty = new(ImmutableArray<Session>.Empty);

    /// <summary>The format this version writes (log.proto: a sequence of length-delimited sessions).</summary>
    public const int Format = 1;

    public ServiceSection Encode() => LogFormat.Section(ReplicatedState.SessionsSectionId, Format, Sessions, ToMessage);

    /// <exception cref="LogFormatException">A format this version does not know, or malformed bytes.</exception>
    public static SessionsSection Decode(ServiceSection? section) =>
        new([.. LogFormat.Items<Session, Schema.Session>(section, Format, "sessions", FromMessage)]);

    private static Schema.Session ToMessage(Session s)
    {
        var m = new Schema.Session { ClientId = s.ClientId, Seq = s.Seq, Digest = s.Digest, LastActive = s.LastActive };
        if (s.Result is { } r)
        {
            m.Result = new Result { Status = (int)r.Status };
            if (r.Value is not null) m.Result.Value = LogFormat.Wrap(r.Value);
            if (r.Error is not null) m.Result.Error = r.Error;
        }
        return m;
    }

    private static Session FromMessage(Schema.Session m)
    {
        CommandResult? result = null;
        if (m.Result is { } r)
        {
            if (!Enum.IsDefined(typeof(CommandStatus), r.Status))
                throw new LogFormatException($"sessions: unknown command status {r.Status} (written by a newer version? upgrade this node)", newer: true);
            result = new CommandResult((CommandStatus)r.Status, r.HasValue ? r.Value.ToByteArray() : null, r.HasError ? r.Error : null);
        }
        return new Session(m.ClientId, m.Seq, m.Digest, result, m.LastActive);
    }
}
