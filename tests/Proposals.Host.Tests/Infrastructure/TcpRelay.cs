using Proposals.Data;
using System.Net;
using System.Net.Sockets;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// A TCP relay between the service and its database, so that a test can take the database away from one host the way
/// a restart or a network fault does: every open connection is reset at once and new ones are refused, until it is
/// restored on the same port. The database server itself, which other tests share, is never touched.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;

    public TcpRelay(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(Dns.GetHostAddresses(targetHost).First(a => a.AddressFamily == AddressFamily.InterNetwork), targetPort);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    /// <summary>Resets every relayed connection and refuses new ones.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _accepting?.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                // Closed with linger 0: the other side sees a reset, as when a server goes away.
                if (client.Client is { Connected: true } socket)
                {
                    try
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    catch (SocketException)
                    {
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }
                client.Dispose();
            }
            _open.Clear();
        }
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _accepting = new CancellationTokenSource();
            var listener = _listener;
            var token = _accepting.Token;
            _ = Task.Run(() => AcceptAsync(listener, token));
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(token);
            }
            catch (Exception) when (token.IsCancellationRequested || !listener.Server.IsBound)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, token);
            }
            catch (Exception)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (_gate)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }
            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception)
        {
            // A cut or a closed side ends the pump; the other side is reset by the cut or closes on its own.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public void Dispose() => Cut();
}

/// <summary>A PostgreSQL test database that the service reaches through a <see cref="TcpRelay"/>.</summary>
public sealed class RelayedPostgresDatabase : TestDatabase
{
    private readonly PostgresTestDatabase _inner = new();
    private TcpRelay? _relay;

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public override string? Unavailable => _inner.Unavailable;

    public TcpRelay Relay
    {
        get
        {
            if (_relay is null)
            {
                var direct = new Npgsql.NpgsqlConnectionStringBuilder(_inner.ConnectionString);
                _relay = new TcpRelay(direct.Host!, direct.Port);
            }
            return _relay;
        }
    }

    /// <summary>The same database, reached straight, for the test's own reads while the relay is cut.</summary>
    public string DirectConnectionString => _inner.ConnectionString;

    public override string ConnectionString => new Npgsql.NpgsqlConnectionStringBuilder(_inner.ConnectionString)
    {
        Host = "127.0.0.1",
        Port = Relay.Port,
        Timeout = 3,
    }.ToString();

    public override void Dispose()
    {
        _relay?.Dispose();
        _inner.Dispose();
    }
}
