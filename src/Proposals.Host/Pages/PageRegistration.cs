using Microsoft.AspNetCore.Localization;
using Proposals.Host.Startup;

namespace Proposals.Host.Pages;

/// <summary>The pages people use in a browser: Razor Pages behind the session cookie, Chinese first, English on request.</summary>
internal static class PageRegistration
{
    public static IServiceCollection AddProposalsPages(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        // Chinese text as itself in the HTML (still encoded where HTML needs it), not as numeric character references.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddSingleton<Ui>();
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/", ServiceRegistration.PagesPolicy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
            options.Conventions.AllowAnonymousToPage("/SignOut");
            options.Conventions.AddPageApplicationModelConvention("/SignIn", page =>
                page.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(ServiceRegistration.SignInRateLimit)));
        });
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(Ui.Chinese.Name);
            options.SupportedCultures = [Ui.Chinese, Ui.English];
            options.SupportedUICultures = [Ui.Chinese, Ui.English];
            // Only the reader's own choice counts: a browser's Accept-Language must not turn a Chinese office's pages English.
            options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        return services;
    }

    public static WebApplication MapProposalsPages(this WebApplication app)
    {
        app.UseRequestLocalization();
        app.MapRazorPages();
        app.MapGet("/lang", (string? to, string? returnUrl, HttpContext http) =>
        {
            var culture = to == Ui.English.Name ? Ui.English.Name : Ui.Chinese.Name;
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, Ui.CultureCookieValue(culture),
                new CookieOptions { Path = "/", HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true });
            return Results.LocalRedirect(Http.LocalUrl.OrHome(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
