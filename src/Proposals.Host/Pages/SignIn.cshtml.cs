using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Host.Auth;

namespace Proposals.Host.Pages;

[AllowAnonymous]
internal sealed class SignInModel(Sessions sessions, Ui ui, TimeProvider time, IConfiguration configuration) : PageModel
{
    public const int MaxFieldLength = 200;

    public string? Username { get; private set; }

    public string ReturnUrl { get; private set; } = "/";

    public string? Error { get; private set; }

    /// <summary>The account's password was set for it: it must choose its own before it may sign in.</summary>
    public bool MustChangePassword { get; private set; }

    /// <summary>The central identity provider's button, when one is configured.</summary>
    public string? ExternalSignIn => OidcSignIn.Enabled(configuration) ? OidcSignIn.ButtonText(configuration) : null;

    public void OnGet(string? returnUrl, string? external)
    {
        ReturnUrl = Http.LocalUrl.OrHome(returnUrl);
        Error = external switch
        {
            "unknown" => ui.T("统一身份认证已通过，但该账号未在本系统登记或已停用；请联系系统管理员。", "The identity provider knows you, but this service has no active user of that name; ask the administrator."),
            "failed" => ui.T("统一身份认证未完成，请重试或使用用户名和密码登录。", "Signing in with the identity provider did not complete; try again or use your password."),
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl, CancellationToken cancellationToken)
    {
        Username = username;
        ReturnUrl = Http.LocalUrl.OrHome(returnUrl);
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || username.Length > MaxFieldLength || password.Length > MaxFieldLength)
        {
            Error = ui.T("请填写用户名和密码", "Enter your user name and password");
            return Page();
        }
        var (session, mustChange, throttle) = await sessions.TrySignInAsync(username, password, SignInSource.Of(HttpContext), cancellationToken);
        if (throttle is not null)
        {
            return Refused(throttle);
        }
        if (mustChange)
        {
            MustChangePassword = true;
            return Page();
        }
        if (session is null)
        {
            Error = ui.T("用户名或密码错误", "Wrong user name or password");
            return Page();
        }
        SessionCookieHandler.Start(Response, session.Token.Token, session.Token.ExpiresAt - time.GetUtcNow());
        return LocalRedirect(ReturnUrl);
    }

    public async Task<IActionResult> OnPostChangePasswordAsync(string? username, string? currentPassword, string? newPassword, string? repeatPassword, string? returnUrl, CancellationToken cancellationToken)
    {
        Username = username;
        ReturnUrl = Http.LocalUrl.OrHome(returnUrl);
        MustChangePassword = true;
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(currentPassword) || username.Length > MaxFieldLength || currentPassword.Length > MaxFieldLength)
        {
            Error = ui.T("请填写用户名和原密码", "Enter your user name and current password");
            return Page();
        }
        if (newPassword != repeatPassword)
        {
            Error = ui.T("两次输入的新密码不一致", "The new passwords differ");
            return Page();
        }
        var (verified, problem, throttle) = await sessions.ChangePasswordAsync(username, currentPassword, newPassword ?? "", SignInSource.Of(HttpContext), cancellationToken);
        if (throttle is not null)
        {
            return Refused(throttle);
        }
        if (!verified || problem is not null)
        {
            Error = verified ? problem : ui.T("用户名或密码错误", "Wrong user name or password");
            return Page();
        }
        return await OnPostAsync(username, newPassword, returnUrl, cancellationToken);
    }

    // The same words as the API's answer; a wait is answered 429 so that scripts posting the form see it too.
    private PageResult Refused(SignInThrottle throttle)
    {
        Response.Headers.RetryAfter = throttle.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (throttle.Locked)
        {
            Error = ui.T(AuthApi.LockedMessage, "Too many wrong passwords: sign-in from here is locked for a while");
        }
        else
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Error = ui.T($"尝试过于频繁，请 {throttle.RetryAfterSeconds} 秒后再试", $"Too many attempts: try again in {throttle.RetryAfterSeconds} s");
        }
        return Page();
    }

    // Only addresses of this site: a sign-in link must not be able to send someone elsewhere.
}
