using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Actors.Runtime.Logging;

/// <summary>
/// An Akka logger (listed in <c>akka.loggers</c>) that keeps the system's recent log lines in its
/// <see cref="LogRing"/>, so an operator can read them over the command port.
/// </summary>
public sealed class RingBufferLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public RingBufferLogger()
    {
        var ring = LogRing.For(Context.System);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => ring.Add(
            $"[{e.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}] [{e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant()}] [{e.LogSource}] {e.Message}"
            + (e.Cause is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "")));
    }
}
