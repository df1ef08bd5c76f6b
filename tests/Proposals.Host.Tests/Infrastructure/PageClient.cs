using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>A browser-like client of the pages: it keeps cookies, follows no redirect on its own, and sends forms with their anti-forgery token.</summary>
public sealed partial class PageClient(ProposalsHost host) : IDisposable
{
    public HttpClient Http { get; } = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public void Dispose() => Http.Dispose();

    public async Task<HttpResponseMessage> SignInAsync(string username, string password = ApiClient.Password, string returnUrl = "/")
    {
        var page = await GetAsync("/signin");
        return await PostFormAsync("/signin", page, [new("username", username), new("password", password), new("returnUrl", returnUrl)]);
    }

    /// <summary>The HTML of a page that must answer 200.</summary>
    public async Task<string> GetAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        return html;
    }

    /// <summary>Posts a form as the page that showed it would, with the page's anti-forgery token.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string url, string page, IEnumerable<KeyValuePair<string, string>> fields) =>
        Http.PostAsync(url, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", AntiforgeryToken(page))]));

    public static string AntiforgeryToken(string page) => TokenPattern().Match(page) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups[1].Value)
        : throw new InvalidOperationException("The page has no anti-forgery token.");

    /// <summary>The value of a hidden input in the form of one action on a proposal page.</summary>
    public static string FormValue(string page, string actionId, string name)
    {
        var form = page[page.IndexOf($"id=\"action-{actionId}\"", StringComparison.Ordinal)..];
        return Regex.Match(form, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
