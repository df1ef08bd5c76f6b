using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Hardening;

/// <summary>What the edge answers to odd requests, the same on every database (run on SQLite).</summary>
public sealed class EdgeFacts() : ChainFacts(TestDatabases.Sqlite)
{
    [SkippableTheory]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%5C%5Cevil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("/%0d%0a/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("evil.example")]
    public async Task Switching_language_sends_a_non_local_return_address_home(string returnUrl)
    {
        using var browser = new PageClient(Host);

        var answer = await browser.Http.GetAsync($"/lang?to=en&returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/", answer.Headers.Location!.OriginalString);
    }

    [SkippableFact]
    public async Task Switching_language_goes_back_to_a_local_page()
    {
        using var browser = new PageClient(Host);

        var answer = await browser.Http.GetAsync($"/lang?to=en&returnUrl={Uri.EscapeDataString("/proposals?stage=implementation")}");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/proposals?stage=implementation", answer.Headers.Location!.OriginalString);
    }
}
