using System.Data;
using System.Globalization;
using Dapper;

namespace Proposals.Data.Dialects;

// Dapper has no built-in DateOnly mapping (it was added and withdrawn), and SQLite returns dates as text.
internal sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
{
    public override void SetValue(IDbDataParameter parameter, DateOnly value)
    {
        parameter.DbType = DbType.Date;
        parameter.Value = value.ToDateTime(TimeOnly.MinValue);
    }

    public override DateOnly Parse(object value) => DateValues.Read(value);
}

internal sealed class NullableDateOnlyHandler : SqlMapper.TypeHandler<DateOnly?>
{
    public override void SetValue(IDbDataParameter parameter, DateOnly? value)
    {
        parameter.DbType = DbType.Date;
        parameter.Value = value is { } date ? date.ToDateTime(TimeOnly.MinValue) : DBNull.Value;
    }

    public override DateOnly? Parse(object value) => value is null or DBNull ? null : DateValues.Read(value);
}

internal static class DateValues
{
    public static DateOnly Read(object value) => value switch
    {
        DateOnly date => date,
        DateTime dateTime => DateOnly.FromDateTime(dateTime),
        string text => DateOnly.FromDateTime(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)),
        _ => throw new InvalidCastException($"Cannot read a date from {value.GetType().Name}."),
    };

    /// <summary>An instant as stored: UTC, without an offset, so that every database compares it the same way.</summary>
    public static DateTime Store(DateTimeOffset instant) => instant.UtcDateTime;

    public static DateTime? Store(DateTimeOffset? instant) => instant?.UtcDateTime;

    /// <summary>An instant as read back: the stored UTC value, whatever kind the provider gave it.</summary>
    public static DateTimeOffset Load(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    public static DateTimeOffset? Load(DateTime? stored) => stored is { } value ? Load(value) : null;
}
