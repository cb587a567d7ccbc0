using System.Runtime.InteropServices;

namespace Actors.Testing.Processes;

/// <summary>POSIX signals sent straight to a PID (Linux numbering).</summary>
public static class Signals
{
    /// <summary>Ends a process at once; it cannot be caught.</summary>
    public const int SigKill = 9;

    /// <summary>Asks a process to shut down.</summary>
    public const int SigTerm = 15;

    /// <summary>Continues a stopped process.</summary>
    public const int SigCont = 18;

    /// <summary>Stops (freezes) a process; it cannot be caught.</summary>
    public const int SigStop = 19;

    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when no such process exists, throws on any other error.</summary>
    public static bool Send(int pid, int signal)
    {
        if (kill(pid, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == NoSuchProcess) return false;
        throw new InvalidOperationException($"signal {signal} to pid {pid} failed: errno {errno}");
    }

    /// <summary>
    /// True while <paramref name="pid"/> is a live process: it exists and is not a zombie (a killed process whose
    /// parent has not reaped it yet is dead for every purpose here).
    /// </summary>
    public static bool IsAlive(int pid)
    {
        if (kill(pid, 0) != 0 && Marshal.GetLastPInvokeError() == NoSuchProcess) return false;
        try
        {
            // /proc/PID/stat: "pid (comm) state ..."; comm may contain spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false; // gone between the two checks
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
