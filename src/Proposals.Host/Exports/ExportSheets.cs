using System.Globalization;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Proposals;
using Proposals.Host.Statistics;

namespace Proposals.Host.Exports;

/// <summary>The workbooks people download: a proposals list and the year's figures, with Chinese headers.</summary>
internal static class ExportSheets
{
    /// <summary>More rows than this is not a list anyone reads in a spreadsheet; the filters should narrow it.</summary>
    public const int MaxProposalRows = 50_000;

    private static readonly IReadOnlyList<SheetColumn> ProposalColumns =
    [
        new("编号", CellKind.Number, 8), new("标题", CellKind.Text, 40), new("党派", CellKind.Text, 16), new("课题", CellKind.Text, 30),
        new("年度", CellKind.Number, 8), new("阶段", CellKind.Text, 10), new("状态", CellKind.Text, 12), new("轮次", CellKind.Number, 6),
        new("重点督办", CellKind.Text, 8), new("办理期限", CellKind.Date, 12), new("最近期限", CellKind.Date, 12),
        new("创建时间", CellKind.DateTime, 18), new("更新时间", CellKind.DateTime, 18),
    ];

    public static IReadOnlyList<WorkbookSheet> Proposals(IReadOnlyList<ProposalListView> items, WorkflowDefinition definition, IReadOnlyDictionary<long, string> topicTitles, EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(topicTitles);
        ArgumentNullException.ThrowIfNull(context);
        var clock = context.ClockFor(null);
        DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, clock.TimeZone).DateTime;
        var rows = items.Select(i => (IReadOnlyList<object?>)
        [
            i.Id, i.Title, i.Party.Name,
            i.TopicId is { } topic ? topicTitles.GetValueOrDefault(topic, $"#{topic}") : YearFigures.SelfChosenTopicTitle,
            i.Year, definition.Stages.FirstOrDefault(s => s.Id == i.Stage)?.Name ?? i.Stage, i.StateName, i.Round,
            i.KeySupervision ? "是" : "否", i.ItemDueDate, i.NextDueDate, Local(i.CreatedAt), Local(i.UpdatedAt),
        ]).ToList();
        return [new WorkbookSheet("提案", ProposalColumns, rows)];
    }

    public static string ProposalsFileName(DateTimeOffset now) => $"proposals-{now:yyyyMMdd-HHmm}.xlsx";

    private static readonly IReadOnlyList<SheetColumn> FigureColumns =
    [
        new("年度", CellKind.Number, 8), new("名称", CellKind.Text, 24),
        new("课题数", CellKind.Number), new("认领课题数", CellKind.Number), new("报送调研报告", CellKind.Number),
        new("采纳", CellKind.Number), new("部分采纳", CellKind.Number), new("留作参考", CellKind.Number), new("不予采纳", CellKind.Number),
        new("采纳率", CellKind.Percent), new("交办件数", CellKind.Number), new("退回交办", CellKind.Number),
        new("按时签收", CellKind.Number), new("应签收", CellKind.Number), new("按时签收率", CellKind.Percent),
        new("按时答复", CellKind.Number), new("应答复", CellKind.Number), new("按时答复率", CellKind.Percent),
        new("逾期件次", CellKind.Number), new("逾期工作日", CellKind.Number),
        new("申请延期", CellKind.Number), new("同意延期", CellKind.Number), new("不同意延期", CellKind.Number),
        new("A类答复", CellKind.Number), new("B类答复", CellKind.Number), new("C类答复", CellKind.Number),
        new("满意", CellKind.Number), new("基本满意", CellKind.Number), new("不满意", CellKind.Number), new("满意率", CellKind.Percent),
        new("态度满意", CellKind.Number), new("态度基本满意", CellKind.Number), new("态度不满意", CellKind.Number), new("态度满意率", CellKind.Percent),
        new("二次办理件数", CellKind.Number), new("联名提案件数", CellKind.Number),
    ];

    public static IReadOnlyList<WorkbookSheet> Statistics(StatsResponse stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var totalName = stats.Department?.Name ?? stats.Party?.Name ?? "全部";
        return
        [
            new WorkbookSheet("汇总", FigureColumns, [FigureRow(stats.Year, totalName, stats.Total)]),
            new WorkbookSheet("按党派", FigureColumns, stats.ByParty.Select(r => FigureRow(stats.Year, r.Organization.Name, r.Figures)).ToList()),
            new WorkbookSheet("按部门", FigureColumns, stats.ByDepartment.Select(r => FigureRow(stats.Year, r.Organization.Name, r.Figures)).ToList()),
            new WorkbookSheet("按课题", FigureColumns, stats.ByTopic.Select(r => FigureRow(stats.Year, r.Topic.Title, r.Figures)).ToList()),
        ];
    }

    public static string StatisticsFileName(StatsResponse stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var suffix = (stats.Party ?? stats.Department) is { } org ? "-" + org.Code : "";
        return string.Create(CultureInfo.InvariantCulture, $"statistics-{stats.Year}{suffix}.xlsx");
    }

    private static IReadOnlyList<object?> FigureRow(int year, string name, Figures f) =>
    [
        year, name, f.TopicsSet, f.TopicsClaimed, f.ReportsSubmitted,
        f.Decisions?.Adopted, f.Decisions?.PartlyAdopted, f.Decisions?.KeptForReference, f.Decisions?.NotAdopted, f.AdoptionRate?.Value,
        f.ItemsAssigned, f.AssignmentsReturned,
        f.OnTimeSigning.Numerator, f.OnTimeSigning.Denominator, f.OnTimeSigning.Value,
        f.OnTimeReply.Numerator, f.OnTimeReply.Denominator, f.OnTimeReply.Value,
        f.Overdue.Count, f.Overdue.WorkingDays,
        f.Extensions.Requested, f.Extensions.Granted, f.Extensions.Refused,
        f.Replies.A, f.Replies.B, f.Replies.C,
        f.ResultRating.Satisfied, f.ResultRating.BasicallySatisfied, f.ResultRating.NotSatisfied, f.ResultRating.SatisfactionRate.Value,
        f.AttitudeRating.Satisfied, f.AttitudeRating.BasicallySatisfied, f.AttitudeRating.NotSatisfied, f.AttitudeRating.SatisfactionRate.Value,
        f.SecondRoundItems, f.JointProposals,
    ];
}
