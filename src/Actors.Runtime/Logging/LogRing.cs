using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Actors.Runtime.Logging;

/// <summary>The most recent log lines of one ActorSystem, kept in memory for <c>log peek</c>.</summary>
public sealed class LogRing
{
    /// <summary>Lines kept per system.</summary>
    public const int Capacity = 2000;

    private static readonly ConditionalWeakTable<ActorSystem, LogRing> Rings = new();
    private readonly string[] _lines = new string[Capacity];
    private long _written;

    /// <summary>The ring of <paramref name="system"/>, created on first use.</summary>
    public static LogRing For(ActorSystem system) => Rings.GetValue(system, _ => new LogRing());

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines[_written % Capacity] = line;
            _written++;
        }
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Last(int count)
    {
        lock (_lines)
        {
            var n = (int)Math.Min(Math.Min(count, Capacity), _written);
            var result = new string[n];
            for (var i = 0; i < n; i++) result[i] = _lines[(_written - n + i) % Capacity];
            return result;
        }
    }
}
