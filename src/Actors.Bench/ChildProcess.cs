using System.Diagnostics;

namespace Actors.Bench;

/// <summary>Starts helper processes (cluster scripts, peer servers) with their output sent to the console or a log.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> to completion, printing each output line after <paramref name="prefix"/>, and
    /// returns its exit code. Not cancellable: scripts that start or stop servers must finish to leave no orphans.
    /// </summary>
    public static async Task<int> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, string prefix)
    {
        using var process = new Process { StartInfo = StartInfo(file, args, env) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine(prefix + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(prefix + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        return process.ExitCode;
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
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }
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

    private static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        return info;
    }
}
