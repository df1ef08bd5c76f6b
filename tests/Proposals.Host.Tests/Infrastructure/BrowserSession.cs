using Microsoft.Playwright;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// Debian's chromium driven by Playwright against a host listening on 127.0.0.1 (Kestrel, not the in-memory test
/// server: a browser needs a socket). Skips, saying why, when no chromium is at hand.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private BrowserSession(IPlaywright playwright, IBrowser browser, string baseUrl)
    {
        _playwright = playwright;
        Browser = browser;
        BaseUrl = baseUrl;
    }

    public IBrowser Browser { get; }

    public string BaseUrl { get; }

    /// <summary>The folder the test run names for screenshots (PROPOSALS_TEST_SCREENSHOTS), or null to take none.</summary>
    public static string? ScreenshotFolder => Environment.GetEnvironmentVariable("PROPOSALS_TEST_SCREENSHOTS") is { Length: > 0 } folder ? folder : null;

    public static string? Unavailable
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PROPOSALS_TEST_CHROMIUM");
            return string.IsNullOrEmpty(path) ? "PROPOSALS_TEST_CHROMIUM is not set (tests/run.sh installs Debian's chromium and sets it)"
                : !File.Exists(path) ? $"no browser at {path}" : null;
        }
    }

    public static async Task<BrowserSession> StartAsync(ProposalsHost host)
    {
        host.UseKestrel(0);
        host.StartServer();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PROPOSALS_TEST_CHROMIUM"),
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        return new BrowserSession(playwright, browser, host.ClientOptions.BaseAddress.ToString().TrimEnd('/'));
    }

    /// <summary>A fresh browser context (its own cookies) signed in as a demo user.</summary>
    public async Task<IPage> SignInAsync(string username, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, BaseURL = BaseUrl });
        // The build machines are shared and the whole suite runs at once: give pages time rather than fail on a slow moment.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", ApiClient.Password);
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("main button[type=submit]"), r => r.Url.Contains("/signin", StringComparison.Ordinal) && r.Request.Method == "POST");
        if (answer.Status != 302)
        {
            var text = await answer.TextAsync();
            throw new InvalidOperationException($"{username} could not sign in: HTTP {answer.Status} {text[..Math.Min(text.Length, 1500)]}");
        }
        try
        {
            // The document of the page signed in to is enough: waiting for its "load" event has been seen to hang on a
            // loaded page when the machine is saturated, and every test goes on by navigating itself.
            await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException ex)
        {
            var text = await page.ContentAsync();
            throw new InvalidOperationException($"{username} signed in but stayed at {page.Url}: {text[..Math.Min(text.Length, 1500)]}", ex);
        }
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (ScreenshotFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
