using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Statistics;

/// <summary>
/// A year's worth of proposals carried through the engine on a moved clock, covering every outcome the figures
/// count: adopted in full and in part, kept for reference, rejected, signed on time and late, replied on time,
/// late, after a granted and after a refused extension, returned and reassigned, judged with each rating, and
/// sent back for a second round. Every action happens at 09:00 Beijing time, so its local date is its UTC date.
/// </summary>
internal sealed class YearScenario
{
    /// <summary>When the figures are read: Monday 16 March 2026, 09:00 Beijing.</summary>
    public static readonly DateTimeOffset ReadAt = new(2026, 3, 16, 1, 0, 0, TimeSpan.Zero);

    public required IReadOnlyList<long> Proposals { get; init; }

    public required long DraftOnly { get; init; }

    public required string InjectedTitle { get; init; }

    public static async Task<YearScenario> BuildAsync(Chain c)
    {
        // Monday 2 March 2026: three topics; the member's party claims one and is assigned another, the other party claims the third.
        var t1 = await TopicAsync(c, "优化营商环境课题", null);
        var t2 = await TopicAsync(c, "职业教育产教融合课题", null);
        await TopicAsync(c, "城市更新课题", [c.Org("minmeng")]);
        await ApiClient.Json(await c.PartyAdmin.PostAsync($"/api/topics/{t1}/claim", null), HttpStatusCode.OK);
        await ApiClient.Json(await c.OtherPartyAdmin.PostAsync($"/api/topics/{t2}/claim", null), HttpStatusCode.OK);

        const string injected = "=cmd|' /C calc'!A0 <script>alert(1)</script>";
        var p1 = await SubmitAsync(c, c.PartyAdmin, t1, "关于降低企业用地成本的建议");
        var p2 = await SubmitAsync(c, c.PartyAdmin, t1, injected);
        var p3 = await SubmitAsync(c, c.OtherPartyAdmin, t2, "关于建设产教融合实训基地的建议");
        var p4 = await SubmitAsync(c, c.OtherPartyAdmin, null, "关于老旧小区加装电梯的建议");
        var p5 = await SubmitAsync(c, c.PartyAdmin, null, "关于发展夜间经济的建议");
        var p6 = await SubmitAsync(c, c.OtherPartyAdmin, t2, "关于设立职业教育基金的建议");
        var p7 = await SubmitAsync(c, c.PartyAdmin, t1, "关于简化工程建设审批的建议");
        var draftOnly = await CreateAsync(c, c.Member, t1, "尚未报送的草稿");

        long fgj = c.Org("fgj"), jyj = c.Org("jyj"), zjj = c.Org("zjj"), swj = c.Org("swj");
        await c.Government.ActAsync(p1, "adopt", new { partly = false, leadDepartmentId = fgj, coDepartmentIds = new[] { jyj }, dueDate = "2026-03-20" });
        await c.Government.ActAsync(p2, "adopt", new { partly = true, leadDepartmentId = jyj, dueDate = "2026-03-09" });
        await c.Government.ActAsync(p3, "adopt", new { leadDepartmentId = fgj, dueDate = "2026-03-20" });
        await c.Government.ActAsync(p4, "adopt", new { leadDepartmentId = zjj, coDepartmentIds = new[] { fgj }, dueDate = "2026-03-20" });
        await c.Government.ActAsync(p5, "keep-for-reference", new { reason = "留作决策参考" });
        await c.Government.ActAsync(p6, "reject", new { reason = "已有同类政策" });
        await c.Government.ActAsync(p7, "adopt", new { leadDepartmentId = fgj, dueDate = "2026-03-20" });

        // Same day: everything signed on time except p2; p4 returned by its lead and reassigned.
        await c.Lead.ActAsync(p1, "sign");
        await c.Co1.ActAsync(p1, "sign");
        await c.Co1.ActAsync(p1, "give-opinion", new { text = "同意" });
        await c.Lead.ActAsync(p3, "sign");
        await c.Co2.ActAsync(p4, "return-assignment", new { reason = "不属于本单位职责" });
        await c.Government.ActAsync(p4, "reassign", new { leadDepartmentId = swj, coDepartmentIds = new[] { fgj }, dueDate = "2026-03-12" });
        await c.Outsider.ActAsync(p4, "sign");
        await c.Lead.ActAsync(p4, "sign");
        await c.Lead.ActAsync(p4, "give-opinion", new { text = "配合办理" });
        await c.Lead.ActAsync(p7, "sign");
        await c.Lead.ActAsync(p3, "request-extension", new { newDueDate = "2026-04-10", reason = "需协调土地指标" });
        await c.Government.ActAsync(p3, "grant-extension", new { reason = "同意" });
        await c.Lead.ActAsync(p7, "request-extension", new { newDueDate = "2026-04-30", reason = "需开展调研" });
        await c.Government.ActAsync(p7, "refuse-extension", new { reason = "时间充足" });
        await c.RecordContactAsync(p1);
        await c.Lead.ActAsync(p1, "reply", new { text = "已出台降低用地成本措施", category = "A" });
        await c.PartyAdmin.ActAsync(p1, "evaluate", new { rating = "satisfied", attitudeRating = "satisfied" });

        // Tuesday 10 March: p2 signed three working days late and replied a day late; p3 judged not satisfied and answered again.
        await c.AdvanceAsync(new DateTimeOffset(2026, 3, 10, 1, 0, 0, TimeSpan.Zero) - c.Host.Clock.GetUtcNow());
        await c.Co1.ActAsync(p2, "sign");
        await c.RecordContactAsync(p2, c.Co1);
        await c.Co1.ActAsync(p2, "reply", new { text = "正在推进", category = "B", commitmentDate = "2026-06-30" });
        await c.PartyAdmin.ActAsync(p2, "evaluate", new { rating = "basically-satisfied", attitudeRating = "satisfied" });
        await c.RecordContactAsync(p3);
        await c.Lead.ActAsync(p3, "reply", new { text = "暂无条件", category = "C" });
        await c.OtherPartyAdmin.ActAsync(p3, "evaluate", new { rating = "not-satisfied", attitudeRating = "basically-satisfied", reason = "措施不具体" });
        await c.RecordContactAsync(p3);
        await c.Lead.ActAsync(p3, "reply", new { text = "已选址建设实训基地", category = "A" });
        await c.OtherPartyAdmin.ActAsync(p3, "evaluate", new { rating = "satisfied", attitudeRating = "basically-satisfied" });
        await c.RecordContactAsync(p7);
        await c.Lead.ActAsync(p7, "reply", new { text = "审批时限压缩一半", category = "A" });

        // p4's new lead never replies: by the reading day it is two working days past its 12 March deadline.
        await c.AdvanceAsync(ReadAt - c.Host.Clock.GetUtcNow());
        return new YearScenario { Proposals = [p1, p2, p3, p4, p5, p6, p7], DraftOnly = draftOnly, InjectedTitle = injected };
    }

    private static async Task<long> TopicAsync(Chain c, string title, long[]? assignedPartyIds)
    {
        var topic = await ApiClient.Json(await c.Committee.PostAsync("/api/topics", new
        {
            title, description = "年度调研课题", year = 2026, researchDeadline = "2026-06-30", assignedPartyIds,
        }), HttpStatusCode.Created);
        return topic["id"]!.GetValue<long>();
    }

    private static async Task<long> CreateAsync(Chain c, ApiClient author, long? topicId, string title)
    {
        var draft = await ApiClient.Json(await author.PostAsync("/api/proposals", new { topicId, title, summary = "摘要", body = "正文" }), HttpStatusCode.Created);
        return draft["id"]!.GetValue<long>();
    }

    private static async Task<long> SubmitAsync(Chain c, ApiClient partyAdmin, long? topicId, string title)
    {
        var id = await CreateAsync(c, partyAdmin, topicId, title);
        await partyAdmin.ActAsync(id, "submit");
        return id;
    }

    public static DateOnly Day(JsonNode? at) => DateOnly.FromDateTime(DateTimeOffset.Parse(at!.GetValue<string>(), CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(8)).DateTime);
}
