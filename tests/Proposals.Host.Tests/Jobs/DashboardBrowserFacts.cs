using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Proposals.Host.Http;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Jobs;

/// <summary>The jobs dashboard in a real browser: its own script runs, while the service's pages still allow none.</summary>
public sealed class DashboardBrowserFacts : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabases.Sqlite();
    private ProposalsHost _host = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        Skip.If(BrowserSession.Unavailable is not null, BrowserSession.Unavailable);
        _host = new ProposalsHost(_database, settings: new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "true",
            ["Jobs:WorkerCount"] = "1",
            // Once a year, so that the only run of it during the test is the one the button starts.
            [$"Jobs:Schedules:{ScheduledJobs.DeliverOutbox}"] = "0 0 1 1 *",
        });
        _browser = await BrowserSession.StartAsync(_host);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _host?.Dispose();
        _database.Dispose();
    }

    [SkippableFact]
    public async Task The_admin_triggers_a_recurring_job_from_the_dashboard_and_it_runs_while_pages_keep_their_no_script_policy()
    {
        var page = await _browser.SignInAsync("admin");
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            // The browser's own favicon request is refused to anonymous callers and reported here too; it is no script.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };
        page.PageError += (_, error) => blocked.Add(error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                blocked.Add($"{response.Status} {response.Url}");
            }
        };

        var home = await page.GotoAsync("/");
        Assert.Equal(SecurityHeaders.PagePolicy, await home!.HeaderValueAsync("content-security-policy"));

        await page.GotoAsync("/hangfire/recurring");
        var row = page.Locator("tr", new() { HasText = ScheduledJobs.DeliverOutbox });
        await row.Locator("input.js-jobs-list-checkbox").CheckAsync();
        var trigger = page.Locator("button.js-jobs-list-command[data-url$='/recurring/trigger']");
        // The button is enabled by the dashboard's script once a row is ticked: dead script leaves it disabled.
        await Assertions.Expect(trigger).ToBeEnabledAsync();
        await page.RunAndWaitForResponseAsync(() => trigger.ClickAsync(), r => r.Url.EndsWith("/recurring/trigger", StringComparison.Ordinal) && r.Status == 204);

        var storage = _host.Services.GetRequiredService<JobStorage>();
        string? state = null;
        for (var attempt = 0; attempt < 600 && state != "Succeeded"; attempt++)
        {
            using var connection = storage.GetConnection();
            state = connection.GetRecurringJobs([ScheduledJobs.DeliverOutbox]).Single().LastJobState;
            if (state != "Succeeded")
            {
                await Task.Delay(200);
            }
        }
        Assert.Equal("Succeeded", state);
        Assert.True(blocked.Count == 0, string.Join("\n", blocked));
    }
}
