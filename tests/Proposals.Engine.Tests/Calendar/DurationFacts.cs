using Proposals.Engine.Calendar;

namespace Proposals.Engine.Tests.Calendar;

public class DurationFacts
{
    [Theory]
    [InlineData("3wd", 3, DurationUnit.WorkingDays)]
    [InlineData("20d", 20, DurationUnit.Days)]
    [InlineData("2w", 2, DurationUnit.Weeks)]
    [InlineData("3mo", 3, DurationUnit.Months)]
    [InlineData("-20wd", -20, DurationUnit.WorkingDays)]
    [InlineData("0wd", 0, DurationUnit.WorkingDays)]
    [InlineData("9999d", 9999, DurationUnit.Days)]
    public void Parses_a_whole_number_and_a_unit(string text, int amount, DurationUnit unit)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(new Duration(amount, unit), duration);
    }

    [Theory]
    [InlineData("3x")]
    [InlineData("")]
    [InlineData("wd")]
    [InlineData("1.5d")]
    [InlineData("99999d")]
    [InlineData("3 days")]
    [InlineData("3 d")]
    [InlineData(" 3d")]
    [InlineData("+3d")]
    [InlineData("3D")]
    [InlineData("3m")]
    [InlineData("--3d")]
    [InlineData("3d\n")]
    [InlineData(null)]
    public void Refuses_anything_else(string? text)
    {
        Assert.False(Duration.TryParse(text, out var duration));
        Assert.Equal(default, duration);
    }

    [Theory]
    [InlineData("3wd")]
    [InlineData("-20wd")]
    [InlineData("3mo")]
    [InlineData("2w")]
    [InlineData("20d")]
    public void Writes_itself_the_way_it_was_read(string text)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(text, duration.ToString());
    }

    [Fact]
    public void Negate_counts_the_other_way_in_the_same_unit()
    {
        Assert.Equal(new Duration(-30, DurationUnit.Days), new Duration(30, DurationUnit.Days).Negate());
    }
}
