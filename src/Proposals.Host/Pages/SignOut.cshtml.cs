using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Host.Auth;

namespace Proposals.Host.Pages;

/// <summary>Ends the session: the token is revoked at once (on every host), and the cookie removed.</summary>
[AllowAnonymous]
internal sealed class SignOutModel(Sessions sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var authenticated = await HttpContext.AuthenticateAsync(SessionCookieHandler.SchemeName);
        if (authenticated.Succeeded && SessionCookieHandler.CurrentToken(HttpContext) is { } token)
        {
            await sessions.SignOutAsync(token, cancellationToken);
        }
        SessionCookieHandler.End(Response);
        return Redirect(SessionCookieHandler.SignInPath);
    }
}
