using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Startup;

/// <summary>The real program with a time zone or retention age that cannot work: it does not start and names the key and the value.</summary>
public sealed class TimeAndRetentionSettingsFacts
{
    [Fact]
    public void An_unknown_time_zone_stops_the_start_naming_the_key_and_the_value()
    {
        var exit = HostProgram.Run("--Proposals:TimeZone", "Asia/Atlantis", "--urls", "http://127.0.0.1:0", "--Jobs:Enabled", "false");

        Assert.Equal(1, exit.Code);
        Assert.Contains("Proposals:TimeZone 'Asia/Atlantis' is not a time zone this machine knows", exit.Text);
    }

    [Fact]
    public void A_retention_age_that_is_not_a_positive_whole_number_of_days_stops_the_start()
    {
        var exit = HostProgram.Run("--Retention:IdempotencyDays", "0", "--Retention:DeliveredDays", "2.5", "--urls", "http://127.0.0.1:0", "--Jobs:Enabled", "false");

        Assert.Equal(1, exit.Code);
        Assert.Contains("Retention:IdempotencyDays is '0'; it must be a positive whole number of days", exit.Text);
        Assert.Contains("Retention:DeliveredDays is '2.5'; it must be a positive whole number of days", exit.Text);
    }

    [Fact]
    public void The_purge_command_refuses_a_bad_age_and_deletes_nothing()
    {
        var exit = HostProgram.Run("purge", "--Retention:ReadNotificationDays", "-3");

        Assert.Equal(1, exit.Code);
        Assert.Contains("Retention:ReadNotificationDays is '-3'", exit.Text);
        Assert.Contains("nothing was deleted", exit.Text);
    }
}
