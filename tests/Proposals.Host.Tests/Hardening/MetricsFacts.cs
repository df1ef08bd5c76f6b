using Microsoft.Extensions.Configuration;
using System.Net;
using System.Text.RegularExpressions;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Hardening;

/// <summary>
/// The Prometheus scrape endpoint: only an administrator (or a scraper on the machine or in the configured networks)
/// reads it, and it reports requests by route and the engine's actions by id and outcome. Counts are checked as at
/// least what this test did: the meter is the process's, which other tests running at once share.
/// </summary>
public sealed partial class MetricsFacts() : ChainFacts(TestDatabases.Sqlite)
{
    [SkippableFact]
    public async Task Only_an_administrator_reads_the_metrics_and_they_count_actions_by_id_and_outcome()
    {
        var id = await C.DraftAsync();
        await C.Member.ActAsync(id, "submit-for-review");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Member.ActOnVersionAsync(id, "adopt", 2, new { leadDepartmentId = C.Org("fgj") })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Member.ActOnVersionAsync(id, "no-such-action", 2)).StatusCode);

        using var anonymous = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Member.GetAsync("/metrics")).StatusCode);
        var response = await C.Admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(Count(text, "proposals_actions_total", ("action", "submit-for-review"), ("outcome", "applied")) >= 1, text);
        Assert.True(Count(text, "proposals_actions_total", ("action", "adopt"), ("outcome", "refused")) >= 1, text);
        Assert.True(Count(text, "proposals_actions_total", ("action", "unknown"), ("outcome", "refused")) >= 1, text);
        Assert.DoesNotContain("no-such-action", text, StringComparison.Ordinal);
        Assert.Matches(RouteLine(), text);
        Assert.Contains("proposals_reminders_due", text, StringComparison.Ordinal);
        Assert.Contains("proposals_calendar_missing_years", text, StringComparison.Ordinal);
    }

    // The value of the first sample of a metric whose labels include all of these.
    private static double Count(string text, string metric, params (string Name, string Value)[] labels)
    {
        foreach (var line in text.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)))
        {
            if (labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    [GeneratedRegex("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/proposals/\\{id")]
    private static partial Regex RouteLine();

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("prometheus.example")]
    [InlineData("10.0.0.0/24, 192.168.1")]
    public void A_scrape_network_that_is_not_cidr_is_refused_naming_the_setting_and_the_value(string value)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Monitoring:ScrapeNetworks"] = value }).Build();

        var (networks, problem) = Monitoring.MetricsAccess.Networks(configuration);

        Assert.Empty(networks);
        Assert.NotNull(problem);
        Assert.Contains("Monitoring:ScrapeNetworks", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scraper_in_a_configured_network_may_read_and_one_outside_it_may_not()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Monitoring:ScrapeNetworks"] = "10.0.0.0/24" }).Build();
        var (networks, problem) = Monitoring.MetricsAccess.Networks(configuration);
        Assert.Null(problem);
        bool From(string address)
        {
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return Monitoring.MetricsAccess.Allowed(http, networks);
        }

        Assert.True(From("10.0.0.7"));
        Assert.True(From("::ffff:10.0.0.7"));
        Assert.True(From("127.0.0.1"));
        Assert.False(From("10.0.1.7"));
        Assert.False(From("203.0.113.9"));
    }
}
