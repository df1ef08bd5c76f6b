using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Proposals.Host.Http;

/// <summary>
/// The service behind a reverse proxy (nginx, IIS's ARR, a load balancer) and on HTTPS:
/// <c>Proxy:KnownProxies</c> (addresses) and <c>Proxy:KnownNetworks</c> (CIDR networks) name the proxies whose
/// X-Forwarded-For and X-Forwarded-Proto are believed, so that the sign-in rate limit counts the client's address and
/// cookies know the request came over HTTPS; a header from anyone else is ignored. Nothing is believed when neither is set.
/// <c>Security:HttpsRedirect</c> sends plain HTTP requests to the https:// <c>Proposals:PublicUrl</c>;
/// <c>Security:HstsMaxAgeDays</c> (0, the default, for none) tells browsers to use nothing but HTTPS for that long.
/// </summary>
internal static class ReverseProxy
{
    public const string KnownProxiesKey = "Proxy:KnownProxies";
    public const string KnownNetworksKey = "Proxy:KnownNetworks";
    public const string HttpsRedirectKey = "Security:HttpsRedirect";
    public const string HstsMaxAgeDaysKey = "Security:HstsMaxAgeDays";
    public const string PublicUrlKey = "Proposals:PublicUrl";

    public static IServiceCollection AddProposalsProxy(this IServiceCollection services, IConfiguration configuration)
    {
        // Malformed entries are left out here and refused by the settings check, which stops the start before anything is served.
        var proxies = Values(configuration, KnownProxiesKey).Select(v => IPAddress.TryParse(v, out var address) ? address : null).OfType<IPAddress>().ToList();
        var networks = Values(configuration, KnownNetworksKey).Select(Network).OfType<System.Net.IPNetwork>().ToList();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named: not even loopback by default, so that a forged header from any other address is ignored.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
            // Walk back through the list while each hop is a known proxy (a load balancer in front of nginx); stop at the first that is not.
            options.ForwardLimit = null;
        });
        if (PublicHttpsPort(configuration) is { } port)
        {
            services.AddHttpsRedirection(options => options.HttpsPort = port);
        }
        if (HstsMaxAgeDays(configuration) is > 0 and var days)
        {
            services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(days));
        }
        // The anti-forgery cookie is otherwise sent without Secure even over HTTPS.
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        return services;
    }

    /// <summary>First in the pipeline: everything after it (the rate limiter, cookies, redirects) sees the client as the proxy reported it.</summary>
    public static IApplicationBuilder UseProposalsProxy(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (Values(configuration, KnownProxiesKey).Count > 0 || Values(configuration, KnownNetworksKey).Count > 0)
        {
            app.UseForwardedHeaders();
        }
        if (HstsMaxAgeDays(configuration) > 0)
        {
            app.UseHsts();
        }
        if (HttpsRedirect(configuration))
        {
            app.UseHttpsRedirection();
        }
        return app;
    }

    /// <summary>What is wrong with the proxy and HTTPS settings, naming each key.</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        foreach (var value in Values(configuration, KnownProxiesKey).Where(v => !IPAddress.TryParse(v, out _) || v.Contains('/', StringComparison.Ordinal)))
        {
            yield return $"{KnownProxiesKey}: '{value}' is not an IP address (as in 10.0.0.5 or ::1); networks go in {KnownNetworksKey}";
        }
        foreach (var value in Values(configuration, KnownNetworksKey).Where(v => Network(v) is null))
        {
            yield return $"{KnownNetworksKey}: '{value}' is not a network in CIDR notation (as in 10.0.0.0/24, with no bits set after the prefix)";
        }
        var publicUrl = configuration[PublicUrlKey];
        if (!string.IsNullOrEmpty(publicUrl) && !(Uri.TryCreate(publicUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            yield return $"{PublicUrlKey}: '{publicUrl}' is not an absolute http:// or https:// address (as in https://proposals.example.gov.cn)";
        }
        var redirect = configuration[HttpsRedirectKey];
        if (!string.IsNullOrEmpty(redirect) && !bool.TryParse(redirect, out _))
        {
            yield return $"{HttpsRedirectKey}: '{redirect}' is not true or false";
        }
        else if (HttpsRedirect(configuration) && PublicHttpsPort(configuration) is null)
        {
            yield return $"{HttpsRedirectKey} is true, so {PublicUrlKey} must be the https:// address users reach, which names the port to redirect to";
        }
        var days = configuration[HstsMaxAgeDaysKey];
        if (!string.IsNullOrEmpty(days) && !(int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= 3650))
        {
            yield return $"{HstsMaxAgeDaysKey}: '{days}' is not a number of days from 0 (no header) to 3650";
        }
    }

    /// <summary>A network written as address/prefix, refused when bits are set after the prefix (10.0.0.1/8 is most likely a typo).</summary>
    private static System.Net.IPNetwork? Network(string value) =>
        value.Split('/') is [var address, var prefixText] && IPAddress.TryParse(address, out var parsed)
            && int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            && prefix <= parsed.GetAddressBytes().Length * 8 && NoBitsAfter(parsed.GetAddressBytes(), prefix)
            ? new System.Net.IPNetwork(parsed, prefix) : null;

    private static bool NoBitsAfter(byte[] bytes, int prefix) =>
        bytes.Select((b, i) => (int)b & (0xFF >> Math.Clamp(prefix - (i * 8), 0, 8))).All(rest => rest == 0);

    private static bool HttpsRedirect(IConfiguration configuration) => bool.TryParse(configuration[HttpsRedirectKey], out var redirect) && redirect;

    private static int? PublicHttpsPort(IConfiguration configuration) =>
        Uri.TryCreate(configuration[PublicUrlKey], UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri.Port : null;

    private static int HstsMaxAgeDays(IConfiguration configuration) =>
        int.TryParse(configuration[HstsMaxAgeDaysKey], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650 ? days : 0;

    /// <summary>A list given either as one comma-separated value or as an array (Proxy:KnownProxies:0, :1 …).</summary>
    private static List<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var raw = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return raw.SelectMany(v => v.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
    }
}
