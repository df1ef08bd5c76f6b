using System.Net;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MiniExcelLibs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Statistics;

public sealed class ExportFactsOnSqlite() : ExportFacts(TestDatabases.Sqlite);

public sealed class ExportFactsOnPostgres() : ExportFacts(TestDatabases.Postgres);

public sealed class ExportFactsOnSqlServer() : ExportFacts(TestDatabases.SqlServer);

/// <summary>Workbooks are opened with another library than the one that wrote them and compared with what the API lists.</summary>
public abstract class ExportFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private static readonly string[] ProposalHeaders = ["编号", "标题", "党派", "课题", "年度", "阶段", "状态", "轮次", "重点督办", "办理期限", "最近期限", "创建时间", "更新时间"];

    [SkippableFact]
    public async Task A_proposals_list_exports_the_rows_the_api_lists_with_chinese_headers_a_frozen_header_and_real_dates()
    {
        var scenario = await YearScenario.BuildAsync(C);

        foreach (var (user, filter) in new[] { (C.Committee, "year=2026"), (C.Lead, ""), (C.PartyAdmin, "stage=feedback"), (C.Committee, "q=%E5%BB%BA%E8%AE%AE&state=closed") })
        {
            var listed = (await user.GetJsonAsync($"/api/proposals?pageSize=100&{filter}"))["items"]!.AsArray();
            var workbook = await DownloadAsync(user, $"/api/proposals/export.xlsx?{filter}");
            var rows = Rows(workbook, "提案");
            Assert.Equal(ProposalHeaders, rows[0].Keys.ToArray());
            Assert.Equal(listed.Select(i => i!["id"]!.GetValue<long>()).ToArray(), rows.Skip(1).Select(r => Convert.ToInt64(r["编号"], System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            Assert.Equal(listed.Select(i => i!["title"]!.GetValue<string>()).ToArray(), rows.Skip(1).Select(r => (string)r["标题"]!).ToArray());
            Assert.Equal(listed.Select(i => i!["stateName"]!.GetValue<string>()).ToArray(), rows.Skip(1).Select(r => (string)r["状态"]!).ToArray());
            AssertFrozenHeader(workbook);
        }

        // Dates are dates, not text: the due date and the creation time (Beijing time) read back as DateTime.
        var all = Rows(await DownloadAsync(C.Committee, "/api/proposals/export.xlsx"), "提案");
        var adopted = all.Skip(1).Single(r => (string)r["标题"]! == "关于降低企业用地成本的建议");
        Assert.Equal(new DateTime(2026, 3, 20), Assert.IsType<DateTime>(adopted["办理期限"]));
        Assert.Equal(new DateTime(2026, 3, 2, 9, 0, 0), Assert.IsType<DateTime>(adopted["创建时间"]));
        Assert.Equal("优化营商环境课题", adopted["课题"]);
        Assert.Equal("自选课题", all.Skip(1).Single(r => (string)r["标题"]! == "关于发展夜间经济的建议")["课题"]);
        // Every submitted item; the draft never submitted is its party's alone.
        Assert.Equal(scenario.Proposals.Count, all.Count - 1);
        Assert.DoesNotContain(all.Skip(1), r => Convert.ToInt64(r["编号"], System.Globalization.CultureInfo.InvariantCulture) == scenario.DraftOnly);
    }

    [SkippableFact]
    public async Task A_list_filtered_to_nothing_exports_only_the_header_row()
    {
        await C.SubmittedAsync();

        var workbook = await DownloadAsync(C.Committee, "/api/proposals/export.xlsx?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E6%A0%87%E9%A2%98");

        var rows = Rows(workbook, "提案");
        Assert.Equal(ProposalHeaders, Assert.Single(rows).Keys.ToArray());
        AssertFrozenHeader(workbook);
    }

    [SkippableFact]
    public async Task A_title_that_looks_like_a_formula_is_exported_as_plain_text()
    {
        var scenario = await YearScenario.BuildAsync(C);

        var workbook = await DownloadAsync(C.Committee, "/api/proposals/export.xlsx");

        using var document = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        Assert.Empty(sheet.Descendants<CellFormula>());
        var cell = sheet.Descendants<Cell>().Single(c => c.InnerText == scenario.InjectedTitle);
        Assert.Equal(CellValues.InlineString, cell.DataType!.Value);
        // The same title is stored as given and shown escaped on the pages.
        var stored = (await C.Committee.GetJsonAsync("/api/proposals?q=cmd"))["items"]!.AsArray().Single()!;
        Assert.Equal(scenario.InjectedTitle, stored["title"]!.GetValue<string>());
        using var browser = new PageClient(Host);
        await browser.SignInAsync("tzb.admin");
        var report = await browser.GetAsync("/reports/annual?year=2026");
        Assert.DoesNotContain("<script>alert(1)</script>", report, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", report, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_yearly_figures_export_one_sheet_per_breakdown_matching_the_api()
    {
        await YearScenario.BuildAsync(C);
        var stats = await C.Committee.GetJsonAsync("/api/stats?year=2026");

        var workbook = await DownloadAsync(C.Committee, "/api/stats/export.xlsx?year=2026");

        var total = Assert.Single(Rows(workbook, "汇总").Skip(1));
        Assert.Equal("全部", total["名称"]);
        AssertRow(stats["total"]!, total);
        var byParty = Rows(workbook, "按党派").Skip(1).ToList();
        Assert.Equal(stats["byParty"]!.AsArray().Select(r => r!["organization"]!["name"]!.GetValue<string>()).ToArray(), byParty.Select(r => (string)r["名称"]!).ToArray());
        foreach (var (row, api) in byParty.Zip(stats["byParty"]!.AsArray()))
        {
            AssertRow(api!["figures"]!, row);
        }
        var byDepartment = Rows(workbook, "按部门").Skip(1).ToList();
        foreach (var (row, api) in byDepartment.Zip(stats["byDepartment"]!.AsArray(), (r, a) => (r, a)))
        {
            AssertRow(api!["figures"]!, row);
            Assert.Null(row["采纳率"]); // departments have no adoption figures
        }
        Assert.Equal(stats["byTopic"]!.AsArray().Count, Rows(workbook, "按课题").Count - 1);
        AssertFrozenHeader(workbook);

        // A department's workbook holds its own figures only.
        var own = Rows(await DownloadAsync(C.Lead, "/api/stats/export.xlsx?year=2026"), "按部门").Skip(1);
        Assert.Equal("发改局", Assert.Single(own)["名称"]);
    }

    [SkippableFact]
    public async Task The_annual_report_shows_the_figures_the_charts_and_the_adopted_items_and_prints_without_navigation()
    {
        await YearScenario.BuildAsync(C);
        using var browser = new PageClient(Host);
        await browser.SignInAsync("tzb.admin");

        var page = await browser.GetAsync("/reports/annual?year=2026");

        Assert.Contains("2026 年度提案办理工作报告", page, StringComparison.Ordinal);
        Assert.Contains("采纳率 71.4%（5/7）", page, StringComparison.Ordinal);
        Assert.Contains("按时签收率 85.7%（6/7）", page, StringComparison.Ordinal);
        Assert.Contains("逾期 3 件次，共 6 个工作日", page, StringComparison.Ordinal);
        Assert.Contains("id=\"chart-stages\"", page, StringComparison.Ordinal);
        Assert.Contains("采纳事项及办理结果（5 件）", page, StringComparison.Ordinal);
        Assert.Contains("<nav>", page, StringComparison.Ordinal);
        var printable = await browser.GetAsync("/reports/annual?year=2026&print=true");
        Assert.DoesNotContain("<nav>", printable, StringComparison.Ordinal);
        Assert.Contains("采纳事项及办理结果（5 件）", printable, StringComparison.Ordinal);

        var download = await browser.Http.GetAsync("/reports/annual?year=2026&handler=xlsx");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download.Content.Headers.ContentType!.MediaType);
        var listDownload = await browser.Http.GetAsync("/proposals?year=2026&handler=xlsx");
        Assert.Equal(HttpStatusCode.OK, listDownload.StatusCode);
        Assert.Equal(8, Rows(await listDownload.Content.ReadAsByteArrayAsync(), "提案").Count); // the header and the seven submitted items

        var bad = await browser.Http.GetAsync("/reports/annual?year=abc");
        Assert.Equal((HttpStatusCode)422, bad.StatusCode);
        Assert.Contains("year 应为 2000 到 2100 之间的整数", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var department = new PageClient(Host);
        await department.SignInAsync("jyj.handler");
        var foreign = await department.Http.GetAsync($"/reports/annual?year=2026&departmentId={C.Org("fgj")}");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var own = await department.GetAsync("/reports/annual?year=2026");
        Assert.Contains("教育局", own, StringComparison.Ordinal);
        Assert.DoesNotContain("关于建设产教融合实训基地的建议", own, StringComparison.Ordinal);
    }

    private static async Task<byte[]> DownloadAsync(ApiClient user, string url)
    {
        var response = await user.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The sheet's rows keyed by the header row's titles, the header row first (as its own titles).</summary>
    private static List<IDictionary<string, object?>> Rows(byte[] workbook, string sheet)
    {
        using var stream = new MemoryStream(workbook);
        var raw = stream.Query(useHeaderRow: false, sheetName: sheet).Cast<IDictionary<string, object?>>().ToList();
        var headers = raw[0].Values.Select(v => (string)v!).ToList();
        var columns = raw[0].Keys.ToList();
        return raw.Select(r => (IDictionary<string, object?>)columns.Select((c, i) => (headers[i], r.TryGetValue(c, out var v) ? v : null))
            .ToDictionary(p => p.Item1, p => p.Item2)).ToList();
    }

    private static void AssertFrozenHeader(byte[] workbook)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        foreach (var part in document.WorkbookPart!.WorksheetParts)
        {
            var pane = part.Worksheet.Descendants<Pane>().Single();
            Assert.Equal(PaneStateValues.Frozen, pane.State!.Value);
            Assert.Equal(1d, pane.VerticalSplit!.Value);
            Assert.Equal("A2", pane.TopLeftCell!.Value);
        }
    }

    private static void AssertRow(JsonNode figures, IDictionary<string, object?> row)
    {
        static double? Number(object? cell) => cell is null ? null : Convert.ToDouble(cell, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(figures["reportsSubmitted"]?.GetValue<int>(), (int?)Number(row["报送调研报告"]));
        Assert.Equal(figures["itemsAssigned"]!.GetValue<int>(), (int?)Number(row["交办件数"]));
        Assert.Equal(figures["onTimeSigning"]!["numerator"]!.GetValue<int>(), (int?)Number(row["按时签收"]));
        Assert.Equal(figures["onTimeSigning"]!["denominator"]!.GetValue<int>(), (int?)Number(row["应签收"]));
        Assert.Equal(figures["onTimeSigning"]!["value"]?.GetValue<double>(), Number(row["按时签收率"]));
        Assert.Equal(figures["onTimeReply"]!["value"]?.GetValue<double>(), Number(row["按时答复率"]));
        Assert.Equal(figures["adoptionRate"]?["value"]?.GetValue<double>(), Number(row["采纳率"]));
        Assert.Equal(figures["overdue"]!["workingDays"]!.GetValue<int>(), (int?)Number(row["逾期工作日"]));
        Assert.Equal(figures["replies"]!["c"]!.GetValue<int>(), (int?)Number(row["C类答复"]));
        Assert.Equal(figures["resultRating"]!["satisfactionRate"]!["value"]?.GetValue<double>(), Number(row["满意率"]));
        Assert.Equal(figures["secondRoundItems"]!.GetValue<int>(), (int?)Number(row["二次办理件数"]));
    }
}
