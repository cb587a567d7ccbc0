using System.Diagnostics;
using System.Text;

namespace Actors.Testing.Processes;

/// <summary>Runs helper processes (scripts, the CLI, peer servers) and stops them by PID.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> to completion and returns its exit code and output. Standard input gets
    /// <paramref name="stdin"/> (or nothing) and is then closed. A process that outlives <paramref name="timeout"/> is
    /// killed by PID with its descendants and reported with exit code -1; without a timeout it is awaited however long
    /// it takes (scripts that start or stop servers must finish to leave no orphans).
    /// </summary>
    /// <param name="file">Program to run.</param>
    /// <param name="args">Its arguments, passed verbatim.</param>
    /// <param name="environment">Variables set on top of this process's environment.</param>
    /// <param name="timeout">Longest run before the process is killed; null for none.</param>
    /// <param name="stdin">Text written to its standard input before it is closed.</param>
    /// <param name="workingDirectory">Its working directory; this process's when null.</param>
    /// <param name="onStdout">Called with each standard output line as it arrives (the line is recorded too).</param>
    /// <param name="onStderr">Called with each standard error line as it arrives (the line is recorded too).</param>
    public static async Task<ProcessRun> RunAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? stdin = null,
        string? workingDirectory = null, Action<string>? onStdout = null, Action<string>? onStderr = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Line(e.Data, stdout, onStdout);
        process.ErrorDataReceived += (_, e) => Line(e.Data, stderr, onStderr);
        if (!process.Start()) throw new InvalidOperationException($"could not start {file}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();

        using var limit = new CancellationTokenSource();
        if (timeout is { } t) limit.CancelAfter(t);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessRun(-1, Text(stdout), Text(stderr) + $"\n(killed after {timeout})");
        }
        process.WaitForExit(); // the last output lines are delivered only after this
        return new ProcessRun(process.ExitCode, Text(stdout), Text(stderr));
    }

    /// <summary>
    /// Starts a long-running <paramref name="file"/> whose stdout and stderr are appended to <paramref name="logFile"/>.
    /// The returned process is <paramref name="file"/> itself (the shell that opens the log replaces itself with it),
    /// so its PID is the one to stop.
    /// </summary>
    public static Process StartLogged(string file, IEnumerable<string> args, string logFile)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=$1; shift; exec \"$@\" >>\"$log\" 2>&1");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(logFile);
        info.ArgumentList.Add(file);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }

    /// <summary>
    /// Stops <paramref name="process"/> by its PID: SIGTERM, then SIGKILL if it is still running after
    /// <paramref name="grace"/>.
    /// </summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited) return;
        Signals.Send(process.Id, Signals.SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static void Line(string? data, StringBuilder into, Action<string>? echo)
    {
        if (data is null) return;
        lock (into) into.AppendLine(data);
        echo?.Invoke(data);
    }

    private static string Text(StringBuilder sb)
    {
        lock (sb) return sb.ToString();
    }
}
