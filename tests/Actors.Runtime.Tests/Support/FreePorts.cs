using System.Net;
using System.Net.Sockets;

namespace Actors.Runtime.Tests.Support;

/// <summary>Loopback ports the OS reports free, so parallel test classes never share one.</summary>
public static class FreePorts
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = new();

    public static int[] Take(int count)
    {
        lock (Gate)
        {
            var ports = new List<int>();
            while (ports.Count < count)
            {
                var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                var port = ((IPEndPoint)l.LocalEndpoint).Port;
                l.Stop();
                if (Handed.Add(port)) ports.Add(port);
            }
            return ports.ToArray();
        }
    }
}
