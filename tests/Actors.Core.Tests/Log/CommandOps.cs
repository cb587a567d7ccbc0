using Actors.Core.Log;

namespace Actors.Core.Tests.Log;

/// <summary>Reads the operation a command carries, as the built-in services decode it.</summary>
internal static class CommandOps
{
    private static readonly ReplicatedState Reader = new(LogRules.Default);

    public static LogOp Decoded(this LogCommand command) => Reader.Decode(command);
}
