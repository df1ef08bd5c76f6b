using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proposals.Host.Http;

/// <summary>
/// Readiness as JSON: the overall status for everyone (a load balancer needs no more), and each check's status and
/// reason, which name hosts, channels and errors, only for an administrator or a probe on this machine (loopback).
/// A caller whose address is unknown is not on this machine.
/// </summary>
internal static class HealthReportJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(report);
        http.Response.ContentType = "application/json; charset=utf-8";
        var detailed = http.User.IsInRole(global::Proposals.Engine.Definitions.Roles.Admin)
            || http.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address);
        if (!detailed)
        {
            return http.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, Options), http.RequestAborted);
        }
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Options), http.RequestAborted);
    }
}
