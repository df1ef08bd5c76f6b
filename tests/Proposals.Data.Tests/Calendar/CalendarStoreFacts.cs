using Proposals.Data.Calendar;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Calendar;

namespace Proposals.Data.Tests.Calendar;

public abstract class CalendarStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    // 2025-10-01 is a Wednesday (National Day, off); 2025-09-28 is a Sunday (a make-up working day).
    private static readonly DateOnly NationalDay = new(2025, 10, 1);
    private static readonly DateOnly MakeUpSunday = new(2025, 9, 28);

    [SkippableFact]
    public async Task LoadAsync_gives_a_calendar_with_the_saved_holidays_and_make_up_days()
    {
        var store = new CalendarStore(Database);

        await store.SaveAsync([new CalendarDay(NationalDay, false, "国庆节"), new CalendarDay(MakeUpSunday, true, "调休上班")], CancellationToken.None);

        var calendar = await store.LoadAsync(CancellationToken.None);
        Assert.False(calendar.IsWorkingDay(NationalDay));
        Assert.True(calendar.IsWorkingDay(MakeUpSunday));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 10, 9)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 10, 11)));
    }

    [SkippableFact]
    public async Task ListAsync_gives_the_days_of_one_year_in_date_order()
    {
        var store = new CalendarStore(Database);
        await store.SaveAsync(
        [
            new CalendarDay(NationalDay, false, "国庆节"),
            new CalendarDay(new DateOnly(2026, 1, 1), false, "元旦"),
            new CalendarDay(MakeUpSunday, true, null),
            new CalendarDay(new DateOnly(2025, 1, 1), false, "元旦"),
        ], CancellationToken.None);

        var days = await store.ListAsync(2025, CancellationToken.None);

        Assert.Equal(
            [new CalendarDay(new DateOnly(2025, 1, 1), false, "元旦"), new CalendarDay(MakeUpSunday, true, null), new CalendarDay(NationalDay, false, "国庆节")],
            days);
    }

    [SkippableFact]
    public async Task SaveAsync_of_a_saved_date_replaces_it()
    {
        var store = new CalendarStore(Database);
        await store.SaveAsync([new CalendarDay(NationalDay, false, "国庆节")], CancellationToken.None);

        await store.SaveAsync([new CalendarDay(NationalDay, true, "改为上班")], CancellationToken.None);

        Assert.Equal([new CalendarDay(NationalDay, true, "改为上班")], await store.ListAsync(2025, CancellationToken.None));
        Assert.True((await store.LoadAsync(CancellationToken.None)).IsWorkingDay(NationalDay));
    }

    [SkippableFact]
    public async Task SaveAsync_of_one_date_twice_in_a_batch_keeps_the_last()
    {
        var store = new CalendarStore(Database);

        await store.SaveAsync([new CalendarDay(NationalDay, true, "first"), new CalendarDay(NationalDay, false, "last")], CancellationToken.None);

        Assert.Equal([new CalendarDay(NationalDay, false, "last")], await store.ListAsync(2025, CancellationToken.None));
    }
}
