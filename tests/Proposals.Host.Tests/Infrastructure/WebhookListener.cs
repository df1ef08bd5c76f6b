using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>A request a <see cref="WebhookListener"/> received.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel) that records what it receives and answers each path as the test says:
/// a robot's <c>{"errcode":0}</c> by default, or an error status or refusal.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);

    private WebhookListener()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async http =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            _received.Enqueue(new ReceivedRequest(
                http.Request.Path.Value ?? "",
                http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            if (_holds.TryGetValue(http.Request.Path.Value ?? "", out var hold))
            {
                await hold.Task;
            }
            var (status, answer) = _answers.TryGetValue(http.Request.Path.Value ?? "", out var configured) ? configured : (200, """{"errcode":0,"errmsg":"ok"}""");
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer);
        });
    }

    public static async Task<WebhookListener> StartAsync()
    {
        var listener = new WebhookListener();
        await listener._app.StartAsync();
        return listener;
    }

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public IReadOnlyList<ReceivedRequest> ReceivedAt(string path) => [.. _received.Where(r => r.Path == path)];

    /// <summary>Answers requests to <paramref name="path"/> with this status and body from now on.</summary>
    public void Answer(string path, int status, string body) => _answers[path] = (status, body);

    /// <summary>Requests to <paramref name="path"/> are received but not answered until <see cref="Release"/>: a slow far end.</summary>
    public void Hold(string path) => _holds[path] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string path)
    {
        if (_holds.TryRemove(path, out var hold))
        {
            hold.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var path in _holds.Keys)
        {
            Release(path);
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
