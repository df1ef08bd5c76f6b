using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proposals.Host.Http;

/// <summary>Readiness as JSON: the overall status and each check's status and reason, so an operator sees what is wrong.</summary>
internal static class HealthReportJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(report);
        http.Response.ContentType = "application/json; charset=utf-8";
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
