using System.Text;
using Actors.Core.Log;

namespace Actors.Core.Tests.Log.Register;

/// <summary>Sets register <see cref="Name"/> to <see cref="Value"/>; answered with the value it held before (none: no value).</summary>
public sealed record RegisterSet(string Name, string Value) : LogOp
{
    public override int Service => RegisterService.ServiceId;

    public override byte[] Encode() => Encoding.UTF8.GetBytes(Name + "\n" + Value);

    public override byte Kind => 1;

    protected override void Digest(DigestFields fields)
    {
        fields.String(Name);
        fields.String(Value);
    }
}

/// <summary>
/// A toy service of named text registers, registered by tests only: the proof that a service is its own files and one
/// registration, with an encoding of its own (text, not a schema) that the log carries without reading it.
/// </summary>
public sealed class RegisterService : ILogService
{
    public const int ServiceId = 100;

    private const int Format = 1;

    public static readonly LogServiceRegistration Registration = new(ServiceId, "register", (_, section) => new RegisterService(section));

    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    private RegisterService(ServiceSection? section)
    {
        if (section is null) return;
        LogFormat.Expect(section, Format, Name);
        foreach (var line in Encoding.UTF8.GetString(section.Bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab < 0) throw new LogFormatException($"{Name}: malformed section line '{line}'");
            _values[line[..tab]] = line[(tab + 1)..];
        }
    }

    public int Id => ServiceId;

    public string Name => "register";

    /// <summary>The value of register <paramref name="name"/>, or null.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, string> Values => _values;

    public LogOp Decode(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var newline = text.IndexOf('\n');
        return newline < 0 ? throw new LogFormatException($"{Name}: malformed operation") : new RegisterSet(text[..newline], text[(newline + 1)..]);
    }

    public long Bytes => _values.Sum(p => (long)p.Key.Length + p.Value.Length);

    public long Growth(LogOp op) => 0;

    public CommandResult Apply(LogOp op, long slot, long logTime)
    {
        var set = (RegisterSet)op;
        var before = Get(set.Name);
        _values[set.Name] = set.Value;
        return new CommandResult(CommandStatus.Ok, before is null ? null : Encoding.UTF8.GetBytes(before));
    }

    public CommandResult Read(LogOp op, long slot, long logTime) => new(CommandStatus.Rejected, null, $"{Name}: {op.GetType().Name} is not a read");

    public ServiceSection Save() =>
        new(ServiceId, Format, Encoding.UTF8.GetBytes(string.Concat(_values.Select(p => $"{p.Key}\t{p.Value}\n"))));
}
