namespace Actors.Testing.Processes;

/// <summary>How a child process ended: its exit code (-1 when it was killed at its timeout) and what it wrote.</summary>
/// <param name="ExitCode">The process's exit code; -1 when <see cref="ChildProcess.RunAsync"/> killed it at its timeout.</param>
/// <param name="Stdout">Everything written to standard output, line by line.</param>
/// <param name="Stderr">Everything written to standard error, line by line.</param>
public sealed record ProcessRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output followed by standard error.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>Exit code and both streams, for assertion messages and logs.</summary>
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
