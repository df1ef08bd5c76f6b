using System.Text;
using Microsoft.Playwright;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Pages;

/// <summary>
/// A draft returned by the party's review is rewritten in the browser: revised in its form, compared with the text the
/// review read, a report attached and submitted with it, then sent on to the government by the party's admin.
/// </summary>
public sealed class WritingBrowserFacts : LaterBrowserFacts
{
    private const string ReviewedBody = "建议加快建设养老服务中心。";
    private const string RevisedBody = "建议尽快建设社区养老服务中心，并配套运营补贴。";

    protected override DateTimeOffset ReadAt => ProposalsHost.DefaultStart.AddHours(2);

    protected override async Task PrepareAsync(Chain chain)
    {
        var id = await chain.DraftAsync();
        await chain.Member.ActAsync(id, "revise", new { body = ReviewedBody });
        await chain.Member.ActAsync(id, "submit-for-review");
        await chain.PartyAdmin.ActAsync(id, "return-draft", new { reason = "请补充社区层面的措施" });
    }

    [SkippableFact]
    public async Task A_returned_draft_is_revised_compared_given_a_report_and_submitted()
    {
        var member = await Browser.SignInAsync("minmeng.member");
        await member.GotoAsync("/proposals");
        await member.Locator("a", new() { HasText = "关于优化营商环境的调研报告" }).First.ClickAsync();
        var url = member.Url;

        var revise = member.Locator("#action-revise");
        await revise.Locator("summary").ClickAsync();
        Assert.Equal(ReviewedBody, await revise.Locator("textarea[name=body]").InputValueAsync());
        await revise.Locator("textarea[name=body]").FillAsync(RevisedBody);
        await revise.Locator("button[type=submit]").ClickAsync();
        await member.Locator("#revisions td", new() { HasText = "第 3 稿" }).WaitForAsync();
        Assert.True(await member.Locator("#problem").CountAsync() == 0, await member.Locator("main").InnerTextAsync());

        // Revision 2 is what the review read, revision 3 the new text; the page offers exactly that comparison.
        await member.Locator("#compare button[type=submit]").ClickAsync();
        var diff = member.Locator("#diff");
        await diff.WaitForAsync();
        Assert.Equal(["加"], await diff.Locator(".diff-field del").AllInnerTextsAsync());
        Assert.Equal(["尽", "社区", "，并配套运营补贴"], await diff.Locator(".diff-field ins").AllInnerTextsAsync());
        await BrowserSession.ScreenshotAsync(member, "revision-diff");

        await member.GotoAsync(url);
        await member.SetInputFilesAsync("#upload-file", new FilePayload
        {
            Name = "社区养老调研报告.pdf",
            MimeType = "application/pdf",
            Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
        });
        await member.Locator("#upload button[type=submit]").ClickAsync();
        await member.Locator("#attachments a", new() { HasText = "社区养老调研报告.pdf" }).WaitForAsync();

        var submit = member.Locator("#action-submit-for-review");
        await submit.Locator("summary").ClickAsync();
        await submit.Locator("input[name=attachmentIds]").CheckAsync();
        await submit.Locator("button[type=submit]").ClickAsync();
        // The report is listed under the action that submitted it and can no longer be deleted.
        var group = member.Locator("#attachments h3", new() { HasText = "提交党派审核" });
        await group.WaitForAsync();
        Assert.Equal(0, await member.Locator("#problem").CountAsync());
        Assert.Equal(0, await member.Locator("#attachments button", new() { HasText = "删除" }).CountAsync());
        await BrowserSession.ScreenshotAsync(member, "attachments");
        await member.Context.CloseAsync();

        var admin = await Browser.SignInAsync("minmeng.admin");
        await admin.GotoAsync(url);
        var send = admin.Locator("#action-submit");
        await send.Locator("summary").ClickAsync();
        await send.Locator("button[type=submit]").ClickAsync();
        await admin.Locator("#state", new() { HasText = "政府审阅" }).WaitForAsync();
    }
}
