using System.Net;
using System.Net.Sockets;

namespace SelfCorrect.Testing;

/// <summary>Loopback addresses for failure tests.</summary>
public static class Loopback
{
    /// <summary>A loopback port that was just free and has no listener: connecting to it is refused.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
