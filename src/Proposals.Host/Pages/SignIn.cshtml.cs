using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Host.Auth;

namespace Proposals.Host.Pages;

[AllowAnonymous]
internal sealed class SignInModel(Sessions sessions, Ui ui, TimeProvider time) : PageModel
{
    public const int MaxFieldLength = 200;

    public string? Username { get; private set; }

    public string ReturnUrl { get; private set; } = "/";

    public string? Error { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOrHome(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl, CancellationToken cancellationToken)
    {
        Username = username;
        ReturnUrl = LocalOrHome(returnUrl);
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || username.Length > MaxFieldLength || password.Length > MaxFieldLength)
        {
            Error = ui.T("请填写用户名和密码", "Enter your user name and password");
            return Page();
        }
        if (await sessions.SignInAsync(username, password, cancellationToken) is not { } session)
        {
            Error = ui.T("用户名或密码错误", "Wrong user name or password");
            return Page();
        }
        SessionCookieHandler.Start(Response, session.Token.Token, session.Token.ExpiresAt - time.GetUtcNow());
        return LocalRedirect(ReturnUrl);
    }

    // Only addresses of this site: a sign-in link must not be able to send someone elsewhere.
    private string LocalOrHome(string? returnUrl) => returnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/";
}
