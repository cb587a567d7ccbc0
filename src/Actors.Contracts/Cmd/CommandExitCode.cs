namespace Actors.Contracts.Cmd;

/// <summary>Exit codes carried by <see cref="CommandResponse.ExitCode"/> and returned by the CLI.</summary>
public static class CommandExitCode
{
    /// <summary>The command succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The request was valid and the answer is negative (e.g. a key that does not exist).</summary>
    public const int Negative = 1;

    /// <summary>Bad input, unknown palette or command, unreachable or unavailable service.</summary>
    public const int Error = 2;
}
