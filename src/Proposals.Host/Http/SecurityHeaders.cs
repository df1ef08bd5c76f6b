namespace Proposals.Host.Http;

/// <summary>
/// Headers every answer carries: no content-type sniffing, no framing by other sites (clickjacking), no full address
/// in the Referer sent elsewhere, and for the service's own pages a content policy that allows only what they use
/// (their inline style and SVG; no script at all), and no caching of answers that did not ask for it. The dashboard and the API browser bring their own assets and are left as they are.
/// </summary>
internal static class SecurityHeaders
{
    public const string PagePolicy = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // Read now, not when the answer starts: the dashboard moves its prefix from Path to PathBase while it answers.
        var path = http.Request.Path;
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            // Answers are personal (what the caller may see) unless they say otherwise: no cache, shared or the browser's, keeps them.
            if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.CacheControl))
            {
                headers.CacheControl = "no-store";
            }
            if (!path.StartsWithSegments("/hangfire") && !path.StartsWithSegments("/scalar") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/api"))
            {
                headers.ContentSecurityPolicy = PagePolicy;
            }
            return Task.CompletedTask;
        });
        await next(http);
    });
}
