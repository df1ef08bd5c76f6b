using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Deployment;

/// <summary>
/// The host on a real port behind Debian's nginx with TLS, configured by the guide's own docs/nginx/proposals.conf:
/// people sign in and act through it, messages link to the public address, cookies are secure, and the sign-in rate
/// limit counts each client's address as nginx reports it while a forged header from anyone else is ignored.
/// Clients come from different loopback addresses (127.0.0.2, .3, .4) so that each is a different client to nginx.
/// </summary>
public sealed class ReverseProxyFacts : IAsyncLifetime
{
    private const int SignInsPerMinute = 20;
    private readonly SqliteTestDatabase _database = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-nginx", Guid.NewGuid().ToString("N"));
    private Process? _nginx;

    public static string? Unavailable
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PROPOSALS_TEST_NGINX");
            return string.IsNullOrEmpty(path) ? "PROPOSALS_TEST_NGINX is not set (tests/run.sh installs Debian's nginx and openssl and sets it)"
                : !File.Exists(path) ? $"no nginx at {path}"
                : !File.Exists("/usr/bin/openssl") ? "no openssl at /usr/bin/openssl to make the test certificate" : null;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 calls IAsyncLifetime, not IAsyncDisposable: nginx must not outlive the test.
    public async Task DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }
        _nginx?.Dispose();
        _database.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Through_nginx_people_sign_in_and_act_links_use_the_public_url_cookies_are_secure_and_the_rate_limit_sees_the_forwarded_client()
    {
        Skip.If(Unavailable is not null, Unavailable);
        Directory.CreateDirectory(_folder);
        var (httpsPort, httpPort) = (FreePort(), FreePort());
        var publicUrl = $"https://127.0.0.1:{httpsPort}";
        await using var web = await WebhookListener.StartAsync();
        using var host = new ProposalsHost(_database, settings: new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies"] = "127.0.0.1",
            ["Proposals:PublicUrl"] = publicUrl,
            ["Security:SignInsPerMinute"] = SignInsPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Channels:0:Name"] = "fgj-wecom",
            ["Notifications:Channels:0:Type"] = "wecom",
            ["Notifications:Channels:0:Organization"] = "fgj",
            ["Notifications:Channels:0:Url"] = $"{web.Url}/fgj?key=k",
        });
        host.UseKestrel(0);
        host.StartServer();
        var upstream = host.ClientOptions.BaseAddress;
        var thumbprint = await MakeCertificateAsync();
        await StartNginxAsync(httpsPort, httpPort, $"127.0.0.1:{upstream.Port}");
        // The chain's people sign in straight to Kestrel, from 127.0.0.1: nginx's own address, a bucket of its own.
        using var chain = await Chain.StartAsync(host);
        var id = await chain.SubmittedAsync();

        // Plain HTTP at nginx only sends the browser to HTTPS.
        using (var plain = new HttpClient(Handler(IPAddress.Parse("127.0.0.2"), thumbprint)))
        {
            var toHttps = await plain.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/signin"));
            Assert.Equal(HttpStatusCode.MovedPermanently, toHttps.StatusCode);
            Assert.StartsWith("https://127.0.0.1", toHttps.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        // The government signs in through the sign-in page and adopts through the proposal page's form.
        using var government = Client(IPAddress.Parse("127.0.0.2"), thumbprint, publicUrl);
        var signInPage = await government.GetAsync("/signin");
        var signInHtml = await signInPage.Content.ReadAsStringAsync();
        Assert.True(signInPage.StatusCode == HttpStatusCode.OK, signInHtml);
        Assert.Contains("; secure", Assert.Single(SetCookies(signInPage), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        var signedIn = await government.PostAsync("/signin", Form(signInHtml, ("username", "zfb.reviewer"), ("password", ApiClient.Password), ("returnUrl", "/")));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("; secure", Assert.Single(SetCookies(signedIn), c => c.StartsWith("proposals_session=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        var page = await PageAsync(government, $"/proposals/{id}");
        var form = (string name) => PageClient.FormValue(page, "adopt", name);
        var adopted = await government.PostAsync($"/proposals/{id}?handler=Act", Form(page,
            ("actionId", "adopt"), ("version", form("version")), ("formKey", form("formKey")),
            ("leadDepartmentId", chain.Org("fgj").ToString(CultureInfo.InvariantCulture)), ("instruction", "请发改局牵头办理"), ("dueDate", "2026-06-30")));
        Assert.Equal(HttpStatusCode.Redirect, adopted.StatusCode);
        Assert.Equal("implementation", Chain.State(await ApiClient.Json(await chain.Lead.GetAsync($"/api/proposals/{id}"), HttpStatusCode.OK)));

        // The lead department's message links to the proposal at the public address, and that link opens through nginx.
        await host.Services.GetRequiredService<ScheduledJobs>().DeliverOutboxAsync(CancellationToken.None);
        var link = $"{publicUrl}/proposals/{id.ToString(CultureInfo.InvariantCulture)}";
        Assert.Contains(web.ReceivedAt("/fgj"), r => r.Text.Contains($"({link})", StringComparison.Ordinal));
        Assert.Contains("部门落实", await PageAsync(government, link), StringComparison.Ordinal);

        // A guesser at 127.0.0.3 is stopped after the limit, whatever X-Forwarded-For it sends: nginx appends the address it sees.
        using var guesser = Client(IPAddress.Parse("127.0.0.3"), thumbprint, publicUrl);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= SignInsPerMinute; i++)
        {
            answers.Add(await GuessAsync(guesser, $"198.51.100.{i + 1}"));
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, SignInsPerMinute), HttpStatusCode.TooManyRequests], answers);
        // Another client through the same nginx has its own count: the host sees the forwarded address, not nginx's.
        using var neighbour = Client(IPAddress.Parse("127.0.0.4"), thumbprint, publicUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(neighbour, forwardedFor: null));

        // Straight to Kestrel from 127.0.0.4, which is no known proxy: its forged headers are ignored.
        using var direct = new HttpClient(Handler(IPAddress.Parse("127.0.0.4"), thumbprint)) { BaseAddress = upstream };
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(direct, forwardedFor: "127.0.0.3"));
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/signin");
        forged.Headers.Add("X-Forwarded-Proto", "https");
        var notSecure = await direct.SendAsync(forged);
        Assert.DoesNotContain("; secure", Assert.Single(SetCookies(notSecure), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }

    // Each guess names another account, so that only the per-address limit can stop it (failures of one account from
    // one address are slowed down on their own, after the second).
    private static int _guesses;

    private static async Task<HttpStatusCode> GuessAsync(HttpClient client, string? forwardedFor)
    {
        var username = $"no.such.user.{Interlocked.Increment(ref _guesses)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { username, password = "guess" }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return (await client.SendAsync(request)).StatusCode;
    }

    private static async Task<string> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        return html;
    }

    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) =>
        new([.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("__RequestVerificationToken", PageClient.AntiforgeryToken(page))]);

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    private static HttpClient Client(IPAddress source, string thumbprint, string baseAddress) =>
        new(Handler(source, thumbprint)) { BaseAddress = new Uri(baseAddress) };

    /// <summary>Connects from the given loopback address, trusts only the test's own certificate, keeps cookies and follows no redirect.</summary>
    private static SocketsHttpHandler Handler(IPAddress source, string thumbprint) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint },
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A self-signed certificate for 127.0.0.1, made with openssl; returns its thumbprint.</summary>
    private async Task<string> MakeCertificateAsync()
    {
        var (exitCode, output) = await RunAsync("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", Path.Combine(_folder, "proposals.key"), "-out", Path.Combine(_folder, "proposals.pem"),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        Assert.True(exitCode == 0, output);
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_folder, "proposals.pem")));
        return certificate.GetCertHashString();
    }

    /// <summary>nginx as a process of this test, with docs/nginx/proposals.conf filled in and included from a minimal main configuration.</summary>
    private async Task StartNginxAsync(int httpsPort, int httpPort, string upstream)
    {
        var site = (await File.ReadAllTextAsync(RepositoryPaths.File("docs/nginx/proposals.conf")))
            .Replace("{{upstream}}", upstream, StringComparison.Ordinal)
            .Replace("{{http_listen}}", $"127.0.0.1:{httpPort}", StringComparison.Ordinal)
            .Replace("{{https_listen}}", $"127.0.0.1:{httpsPort}", StringComparison.Ordinal)
            .Replace("{{server_name}}", "127.0.0.1", StringComparison.Ordinal)
            .Replace("{{certificate}}", Path.Combine(_folder, "proposals.pem"), StringComparison.Ordinal)
            .Replace("{{certificate_key}}", Path.Combine(_folder, "proposals.key"), StringComparison.Ordinal);
        Assert.DoesNotContain("{{", site, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_folder, "proposals.conf"), site);
        await File.WriteAllTextAsync(Path.Combine(_folder, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{_folder}}/nginx.pid;
            error_log {{_folder}}/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{_folder}}/client_body;
                proxy_temp_path {{_folder}}/proxy;
                fastcgi_temp_path {{_folder}}/fastcgi;
                uwsgi_temp_path {{_folder}}/uwsgi;
                scgi_temp_path {{_folder}}/scgi;
                include {{_folder}}/proposals.conf;
            }
            """);
        var nginx = Environment.GetEnvironmentVariable("PROPOSALS_TEST_NGINX")!;
        var (tested, testOutput) = await RunAsync(nginx, "-t", "-p", _folder, "-c", Path.Combine(_folder, "nginx.conf"), "-e", Path.Combine(_folder, "error.log"));
        Assert.True(tested == 0, testOutput);
        var start = new ProcessStartInfo(nginx) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", _folder, "-c", Path.Combine(_folder, "nginx.conf"), "-e", Path.Combine(_folder, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }
        _nginx = Process.Start(start)!;
        // Ready when it accepts connections; a configuration it rejects ends the process instead.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            Assert.False(_nginx.HasExited, "nginx stopped: " + await File.ReadAllTextAsync(Path.Combine(_folder, "error.log")));
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, httpsPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        Assert.Fail("nginx did not accept connections: " + await File.ReadAllTextAsync(Path.Combine(_folder, "error.log")));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error + await output);
    }
}
