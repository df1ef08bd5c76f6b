using System.Text.Json.Nodes;

namespace Proposals.Host.Tests.Statistics;

/// <summary>
/// The year's figures counted again from the items' histories as the API shows them, with the deadline rules
/// re-derived here (signing: 3 working days after assignment; reply: the assigned due date, moved by a granted
/// extension, and one month after a "not satisfied" evaluation) on plain weekdays, which holds for March 2026 (no
/// public holiday). It shares nothing with the service's statistics query, so the two can disagree.
/// </summary>
internal sealed class HistoryOracle
{
    public sealed record Item(long Id, long PartyId, long? TopicId, string State, IReadOnlyList<JsonObject> Events);

    /// <summary>What one row of figures should say; attributed to a department where the service attributes it.</summary>
    public sealed class Expected
    {
        public int Submitted, Adopted, Partly, Reference, Rejected, Returned;
        public readonly HashSet<long> AssignedItems = [];
        public int SignAnswered, SignOnTime, SignOpenLate, ReplyAnswered, ReplyOnTime, ReplyOpenLate;
        public int OverdueCount, OverdueDays;
        public int ExtensionsRequested, ExtensionsGranted, ExtensionsRefused;
        public int A, B, C;
        public readonly Dictionary<string, int> Results = [];
        public readonly Dictionary<string, int> Attitudes = [];
        public readonly HashSet<long> SecondRound = [];
    }

    /// <summary>One counted happening: which item, which department it belongs to (if any), and what it adds.</summary>
    private sealed record Happening(Item Item, long? Department, Action<Expected> Add);

    private readonly List<Happening> _happenings = [];

    public HistoryOracle(IEnumerable<Item> items, DateOnly today)
    {
        foreach (var item in items)
        {
            Walk(item, today);
        }
    }

    public Expected For(Func<Item, long?, bool> take)
    {
        var expected = new Expected();
        foreach (var h in _happenings.Where(h => take(h.Item, h.Department)))
        {
            h.Add(expected);
        }
        return expected;
    }

    private void Count(Item item, long? department, Action<Expected> add) => _happenings.Add(new Happening(item, department, add));

    private void Walk(Item item, DateOnly today)
    {
        var signDue = new Dictionary<long, DateOnly>();
        var signed = new HashSet<long>();
        DateOnly? replyDue = null;
        long? lead = null;
        var replied = false;
        JsonObject? lastRequest = null;
        long? lastReplier = null;
        foreach (var e in item.Events)
        {
            var action = e["action"]!.GetValue<string>();
            var day = YearScenario.Day(e["at"]);
            var actor = e["organization"]!["id"]!.GetValue<long>();
            var data = e["data"]!.AsObject();
            switch (action)
            {
                case "submit":
                    Count(item, null, x => x.Submitted++);
                    break;
                case "adopt" or "reassign":
                    if (action == "adopt")
                    {
                        var partly = data["partly"]?.GetValue<bool>() == true;
                        Count(item, null, x => { if (partly) { x.Partly++; } else { x.Adopted++; } });
                    }
                    lead = data["leadDepartmentId"]!.GetValue<long>();
                    var departments = new List<long> { lead.Value };
                    departments.AddRange(data["coDepartmentIds"]?.AsArray().Select(n => n!.GetValue<long>()) ?? []);
                    signDue.Clear();
                    signed.Clear();
                    foreach (var d in departments)
                    {
                        signDue[d] = AddWeekdays(day, 3);
                        Count(item, d, x => x.AssignedItems.Add(item.Id));
                    }
                    replyDue = DateOnly.Parse(data["dueDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                    replied = false;
                    break;
                case "keep-for-reference":
                    Count(item, null, x => x.Reference++);
                    break;
                case "reject":
                    Count(item, null, x => x.Rejected++);
                    break;
                case "return-assignment":
                    Count(item, actor, x => x.Returned++);
                    signDue.Clear();
                    break;
                case "sign":
                {
                    var due = signDue[actor];
                    signed.Add(actor);
                    Step(item, actor, day, due, isSign: true);
                    break;
                }
                case "request-extension":
                    lastRequest = e;
                    Count(item, actor, x => x.ExtensionsRequested++);
                    break;
                case "grant-extension":
                {
                    var asker = lastRequest!["organization"]!["id"]!.GetValue<long>();
                    replyDue = DateOnly.Parse(lastRequest["data"]!["newDueDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                    Count(item, asker, x => x.ExtensionsGranted++);
                    break;
                }
                case "refuse-extension":
                {
                    var asker = lastRequest!["organization"]!["id"]!.GetValue<long>();
                    Count(item, asker, x => x.ExtensionsRefused++);
                    break;
                }
                case "reply":
                {
                    Step(item, actor, day, replyDue!.Value, isSign: false);
                    var category = data["category"]!.GetValue<string>();
                    Count(item, actor, x => { if (category == "A") { x.A++; } else if (category == "B") { x.B++; } else { x.C++; } });
                    lastReplier = actor;
                    replied = true;
                    break;
                }
                case "evaluate":
                {
                    var rating = data["rating"]!.GetValue<string>();
                    var attitude = data["attitudeRating"]?.GetValue<string>();
                    Count(item, lastReplier, x =>
                    {
                        x.Results[rating] = x.Results.GetValueOrDefault(rating) + 1;
                        if (attitude is not null)
                        {
                            x.Attitudes[attitude] = x.Attitudes.GetValueOrDefault(attitude) + 1;
                        }
                        if (rating == "not-satisfied")
                        {
                            x.SecondRound.Add(item.Id);
                        }
                    });
                    if (rating == "not-satisfied")
                    {
                        replyDue = OnOrNextWeekday(day.AddMonths(1));
                        replied = false;
                    }
                    break;
                }
            }
        }
        if (item.State != "implementation")
        {
            return;
        }
        foreach (var (department, due) in signDue.Where(s => !signed.Contains(s.Key) && s.Value < today))
        {
            Count(item, department, x => { x.SignOpenLate++; x.OverdueCount++; x.OverdueDays += WeekdaysAfter(due, today); });
        }
        if (!replied && replyDue is { } open && open < today)
        {
            Count(item, lead, x => { x.ReplyOpenLate++; x.OverdueCount++; x.OverdueDays += WeekdaysAfter(open, today); });
        }
    }

    private void Step(Item item, long department, DateOnly day, DateOnly due, bool isSign)
    {
        var late = day > due;
        var days = late ? WeekdaysAfter(due, day) : 0;
        Count(item, department, x =>
        {
            if (isSign)
            {
                x.SignAnswered++;
                x.SignOnTime += late ? 0 : 1;
            }
            else
            {
                x.ReplyAnswered++;
                x.ReplyOnTime += late ? 0 : 1;
            }
            if (late)
            {
                x.OverdueCount++;
                x.OverdueDays += days;
            }
        });
    }

    private static bool IsWeekday(DateOnly d) => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    private static DateOnly AddWeekdays(DateOnly start, int count)
    {
        var d = start;
        while (count > 0)
        {
            d = d.AddDays(1);
            count -= IsWeekday(d) ? 1 : 0;
        }
        return d;
    }

    private static DateOnly OnOrNextWeekday(DateOnly d)
    {
        while (!IsWeekday(d))
        {
            d = d.AddDays(1);
        }
        return d;
    }

    /// <summary>Weekdays in (from, to].</summary>
    private static int WeekdaysAfter(DateOnly from, DateOnly to)
    {
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
        {
            n += IsWeekday(d) ? 1 : 0;
        }
        return n;
    }
}
