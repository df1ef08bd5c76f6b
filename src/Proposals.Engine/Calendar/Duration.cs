using System.Globalization;
using System.Text.RegularExpressions;

namespace Proposals.Engine.Calendar;

/// <summary>The unit of a <see cref="Duration"/>.</summary>
public enum DurationUnit
{
    WorkingDays,
    Days,
    Weeks,
    Months,
}

/// <summary>A span written in a definition as <c>3wd</c>, <c>20d</c>, <c>2w</c> or <c>3mo</c>; a leading minus counts backwards.</summary>
public readonly partial record struct Duration(int Amount, DurationUnit Unit)
{
    // \z, not $: in .NET $ also matches before a final newline, so "3d\n" would pass.
    [GeneratedRegex(@"^(-?)([0-9]{1,4})(wd|d|w|mo)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses the definition spelling, or returns false with nothing else said; the loader names the place.</summary>
    public static bool TryParse(string? text, out Duration duration)
    {
        duration = default;
        if (text is null)
        {
            return false;
        }
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var amount = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (match.Groups[1].Value == "-")
        {
            amount = -amount;
        }
        var unit = match.Groups[3].Value switch
        {
            "wd" => DurationUnit.WorkingDays,
            "d" => DurationUnit.Days,
            "w" => DurationUnit.Weeks,
            _ => DurationUnit.Months,
        };
        duration = new Duration(amount, unit);
        return true;
    }

    public Duration Negate() => this with { Amount = -Amount };

    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        DurationUnit.WorkingDays => "wd",
        DurationUnit.Days => "d",
        DurationUnit.Weeks => "w",
        _ => "mo",
    };
}
