using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Admin;

public sealed class ImportFactsOnSqlite() : ImportFacts(TestDatabases.Sqlite);

public sealed class ImportFactsOnPostgres() : ImportFacts(TestDatabases.Postgres);

public sealed class ImportFactsOnSqlServer() : ImportFacts(TestDatabases.SqlServer);

public abstract class ImportFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private static readonly Encoding Gbk = GbkEncoding();

    private static Encoding GbkEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GBK");
    }

    private string Counts() => $"users={Host.Scalar("SELECT COUNT(*) FROM users")}, roles={Host.Scalar("SELECT COUNT(*) FROM user_roles")}, organizations={Host.Scalar("SELECT COUNT(*) FROM organizations")}";

    private Task<HttpResponseMessage> ImportAsync(string kind, byte[] file, bool dryRun, string? encoding = null) =>
        C.Admin.Http.PostAsync($"/api/admin/import/{kind}?dryRun={(dryRun ? "true" : "false")}{(encoding is null ? "" : "&encoding=" + encoding)}",
            new ByteArrayContent(file) { Headers = { { "Content-Type", "text/csv" } } });

    private static async Task<List<(int Line, string Column, string Message)>> ProblemsAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await ApiClient.Json(response, status);
        return body["problems"]!.AsArray().Select(p => (p!["line"]!.GetValue<int>(), p["column"]!.GetValue<string>(), p["message"]!.GetValue<string>())).ToList();
    }

    [SkippableFact]
    public async Task A_dry_run_lists_every_bad_row_with_its_line_and_a_real_run_of_the_same_file_writes_nothing()
    {
        var file = Encoding.UTF8.GetBytes(string.Join("\r\n",
            "用户名,姓名,单位编码,角色",
            "wlj.one,文旅局一号,fgj,department",
            "fgj.handler,重名的人,fgj,department",
            "wlj.two,无单位的人,nowhere,department",
            "wlj.three,无角色的人,fgj,",
            "wlj.one,文件内重名,fgj,department",
            "\"wlj.four\",\"姓名里有逗号，还有\"\"引号\"\"\",jyj,department",
            "wlj.five,派错角色,jyj,party-admin",
            ""));
        var before = Counts();

        var dry = await ProblemsAsync(await ImportAsync("users", file, dryRun: true), HttpStatusCode.OK);

        Assert.Equal(
        [
            (3, "username", "用户名“fgj.handler”已存在"),
            (4, "organization", "单位“nowhere”不存在或已停用"),
            (5, "roles", "至少要有一个角色"),
            (6, "username", "用户名“wlj.one”在文件中重复"),
            (8, "roles", "角色“party-admin”只能授予party类单位的用户"),
        ], dry);
        var real = await ImportAsync("users", file, dryRun: false);
        Assert.Equal(dry, await ProblemsAsync(real, (HttpStatusCode)422));
        Assert.Equal(before, Counts());
    }

    [SkippableFact]
    public async Task A_gbk_file_from_a_spreadsheet_imports_organisations_and_then_their_users_with_temporary_passwords()
    {
        var organizations = Gbk.GetBytes("编码,名称,类型,上级编码\nwlj,文化和旅游局,部门,zfb\nwlj-ks,文旅局科室,department,wlj\n");
        var checkedFirst = await ApiClient.Json(await ImportAsync("organizations", organizations, dryRun: true), HttpStatusCode.OK);
        Assert.True(checkedFirst["valid"]!.GetValue<bool>());
        Assert.Equal(0, checkedFirst["written"]!.GetValue<int>());
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM organizations WHERE code = 'wlj'"));

        var imported = await ApiClient.Json(await ImportAsync("organizations", organizations, dryRun: false), HttpStatusCode.OK);
        Assert.Equal(2, imported["written"]!.GetValue<int>());
        var listed = await ApiClient.JsonArray(await C.Admin.GetAsync("/api/organizations"), HttpStatusCode.OK);
        var wlj = listed.Single(o => o!["code"]!.GetValue<string>() == "wlj")!;
        Assert.Equal("文化和旅游局", wlj["name"]!.GetValue<string>());
        Assert.Equal(C.Org("zfb"), wlj["parentId"]!.GetValue<long>());
        Assert.Equal(wlj["id"]!.GetValue<long>(), listed.Single(o => o!["code"]!.GetValue<string>() == "wlj-ks")!["parentId"]!.GetValue<long>());

        var users = Gbk.GetBytes("用户名,姓名,单位编码,角色,初始密码\nwlj.handler,文旅局经办人,wlj,department,\nwlj.admin,文旅局管理员,wlj,department;admin,Strong-pass-42\n");
        var created = await ApiClient.Json(await ImportAsync("users", users, dryRun: false, encoding: "gbk"), HttpStatusCode.OK);
        Assert.Equal(2, created["written"]!.GetValue<int>());
        var account = Assert.Single(created["accounts"]!.AsArray())!;
        Assert.Equal("wlj.handler", account["username"]!.GetValue<string>());
        Assert.Equal(2, account["line"]!.GetValue<int>());
        using var client = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/auth/token", new { username = "wlj.handler", password = account["temporaryPassword"]!.GetValue<string>() })).StatusCode);
        var admins = await ApiClient.JsonArray(await C.Admin.GetAsync("/api/admin/users"), HttpStatusCode.OK);
        Assert.Equal(["admin", "department"], admins.Single(u => u!["username"]!.GetValue<string>() == "wlj.admin")!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray());
        Assert.Equal("文旅局经办人", admins.Single(u => u!["username"]!.GetValue<string>() == "wlj.handler")!["displayName"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Files_that_are_not_csv_text_or_lack_columns_are_refused_with_the_reason()
    {
        var before = Counts();
        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string reason)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
            Assert.Contains(reason, text, StringComparison.Ordinal);
        }

        await Refused(await ImportAsync("users", [0xFF, 0xFE, 0x00, 0x41, 0x81], dryRun: true), (HttpStatusCode)422, "无法识别文件编码");
        await Refused(await ImportAsync("users", Gbk.GetBytes("用户名,姓名\n张三,李四\n"), dryRun: true, encoding: "utf-8"), (HttpStatusCode)422, "不是有效的 UTF-8");
        await Refused(await ImportAsync("users", Encoding.UTF8.GetBytes("username,display_name,organization,roles\n\"unclosed,x,fgj,department\n"), dryRun: true), (HttpStatusCode)422, "第 2 行的引号没有结束");
        await Refused(await ImportAsync("users", [], dryRun: true), (HttpStatusCode)422, "文件是空的");
        await Refused(await ImportAsync("users", Encoding.UTF8.GetBytes("username,email\nx,y\n"), dryRun: true), HttpStatusCode.OK, "未知的列“email”");
        await Refused(await ImportAsync("users", Encoding.UTF8.GetBytes("username,email\nx,y\n"), dryRun: true), HttpStatusCode.OK, "缺少列“roles”");
        await Refused(await ImportAsync("planets", Encoding.UTF8.GetBytes("code\n"), dryRun: true), (HttpStatusCode)422, "导入类型");
        await Refused(await ImportAsync("users", Encoding.UTF8.GetBytes("username\n"), dryRun: true, encoding: "latin1"), (HttpStatusCode)422, "encoding");
        await Refused(await C.Admin.Http.PostAsync("/api/admin/import/users?dryRun=maybe", new ByteArrayContent([])), (HttpStatusCode)422, "dryRun");
        await Refused(await ImportAsync("users", new byte[(1024 * 1024) + 1], dryRun: true), HttpStatusCode.RequestEntityTooLarge, "导入文件过大");
        await Refused(await ImportAsync("organizations", Encoding.UTF8.GetBytes("code,name,kind,parent\nabc,某单位,department,later\nlater,后来的单位,department,\nabc,重复,heaven,\n"), dryRun: false), (HttpStatusCode)422, "第 2 行 parent");
        Assert.Equal(before, Counts());
    }

    [SkippableFact]
    public async Task The_import_page_checks_a_file_and_then_imports_it()
    {
        using var browser = new PageClient(Host);
        await browser.SignInAsync("admin");
        var page = await browser.GetAsync("/admin/import");
        var token = PageClient.AntiforgeryToken(page);
        async Task<string> PostAsync(string mode, string csv)
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new StringContent("organizations"), "kind" },
                { new StringContent("auto"), "encoding" },
                { new StringContent(mode), "mode" },
                { new ByteArrayContent(Gbk.GetBytes(csv)), "file", "单位.csv" },
            };
            var response = await browser.Http.PostAsync("/admin/import", form);
            return await response.Content.ReadAsStringAsync();
        }

        var bad = await PostAsync("check", "编码,名称,类型\nok,某局,部门\nBAD CODE,某局,部门\n");
        Assert.Contains("发现 1 处问题", bad, StringComparison.Ordinal);
        Assert.Contains("<td>3</td><td>code</td>", bad, StringComparison.Ordinal);
        var good = await PostAsync("check", "编码,名称,类型\nok,某局,部门\n");
        Assert.Contains("预检通过：1 行均可导入", good, StringComparison.Ordinal);
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM organizations WHERE code = 'ok'"));
        var done = await PostAsync("import", "编码,名称,类型\nok,某局,部门\n");
        Assert.Contains("已导入 1 行", done, StringComparison.Ordinal);
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM organizations WHERE code = 'ok'"));

        using var outsider = new PageClient(Host);
        await outsider.SignInAsync("zfb.reviewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Http.GetAsync("/admin/import")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Http.GetAsync("/admin")).StatusCode);
    }
}
