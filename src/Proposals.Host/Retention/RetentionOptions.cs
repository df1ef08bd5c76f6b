using System.Globalization;

namespace Proposals.Host.Retention;

/// <summary>
/// The <c>Retention</c> section: how many days each kind of row the service no longer needs is kept. Each must be a
/// positive whole number of days; the start-up check refuses anything else, naming the key.
/// </summary>
internal sealed record RetentionOptions(int ExpiredTokenDays, int IdempotencyDays, int ReadNotificationDays, int DeliveredDays)
{
    public const string Section = "Retention";

    /// <summary>The keys and their defaults in days.</summary>
    public static readonly IReadOnlyDictionary<string, int> Defaults = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [nameof(ExpiredTokenDays)] = 7,
        [nameof(IdempotencyDays)] = 7,
        [nameof(ReadNotificationDays)] = 180,
        [nameof(DeliveredDays)] = 30,
    };

    private const int MaxDays = 36_500;

    /// <summary>What is wrong with the section: each key whose value is not a whole number of days from 1 to 36500.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var key in Defaults.Keys)
        {
            var text = configuration[$"{Section}:{key}"];
            if (text is not null && Parse(text) is null)
            {
                problems.Add($"{Section}:{key} is '{text}'; it must be a positive whole number of days (1 to {MaxDays}).");
            }
        }
        return problems;
    }

    /// <summary>The settings, defaults where none is given; call only after <see cref="Problems"/> found none.</summary>
    public static RetentionOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        int Days(string key) => configuration[$"{Section}:{key}"] is { } text && Parse(text) is { } days ? days : Defaults[key];
        return new(Days(nameof(ExpiredTokenDays)), Days(nameof(IdempotencyDays)), Days(nameof(ReadNotificationDays)), Days(nameof(DeliveredDays)));
    }

    private static int? Parse(string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= MaxDays ? days : null;
}
