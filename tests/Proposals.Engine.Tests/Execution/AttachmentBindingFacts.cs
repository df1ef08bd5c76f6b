using System.Text.Json.Nodes;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>Any action names files of its item in data.attachmentIds; the event's data then records each file's name, size and SHA-256.</summary>
public class AttachmentBindingFacts
{
    private const string LetterSha = "0f343b0931126a20f133d67c2b018a3b5e7e8b3a1c5f0c2d4e6f8a0b1c2d3e4f";

    private static readonly AttachmentInfo Letter = new(7, "答复函.pdf", 1234, LetterSha, Orgs.Fgj, Bound: false);
    private static readonly AttachmentInfo Evidence = new(8, "照片.png", 99, new string('a', 64), Orgs.Fgj, Bound: false);
    private static readonly AttachmentInfo AlreadyBound = new(9, "旧稿.pdf", 10, new string('b', 64), Orgs.Fgj, Bound: true);
    private static readonly AttachmentInfo Others = new(10, "教育局意见.docx", 20, new string('c', 64), Orgs.Jyj, Bound: false);

    private static ActionOutcome Reply(Scenario run, string attachmentIds)
    {
        var context = run.Context;
        context.Attachments = [Letter, Evidence, AlreadyBound, Others];
        var data = Scenario.Data($$"""{ "text": "已解决", "category": "A", "attachmentIds": {{attachmentIds}} }""");
        return WorkflowEngine.Apply(run.Definition, run.Item, People.Department(Orgs.Fgj), "reply", data, null, context);
    }

    [Fact]
    public void A_reply_naming_its_letter_records_the_file_in_the_event_and_carries_the_id_to_bind()
    {
        var run = Scenario.ReadyToReply();

        var transition = Reply(run, "[7, 8]").Transition!;

        Assert.Equal([7L, 8L], transition.AttachmentIds);
        Assert.Null(transition.Audit.Data["attachmentIds"]);
        var recorded = transition.Audit.Data["attachments"]!.AsArray();
        Assert.Equal(2, recorded.Count);
        Assert.Equal(7, recorded[0]!["id"]!.GetValue<long>());
        Assert.Equal("答复函.pdf", recorded[0]!["fileName"]!.GetValue<string>());
        Assert.Equal(1234, recorded[0]!["size"]!.GetValue<long>());
        Assert.Equal(LetterSha, recorded[0]!["sha256"]!.GetValue<string>());
        Assert.Equal("A", transition.Audit.Data["category"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[99]")]          // not a file of this item
    [InlineData("[9]")]           // already bound to an earlier action
    [InlineData("[10]")]          // uploaded by another organisation
    [InlineData("[7, 7]")]        // twice
    [InlineData("[0]")]
    [InlineData("[-3]")]
    [InlineData("[\"7\"]")]
    [InlineData("[7.5]")]
    [InlineData("7")]
    [InlineData("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]")]
    public void A_bad_attachment_id_is_refused_on_data_attachmentIds_and_nothing_is_bound(string ids)
    {
        var run = Scenario.ReadyToReply();
        var before = run.Item;

        var refusal = Reply(run, ids).Refusal!;

        Assert.Equal(RefusalKind.InvalidData, refusal.Kind);
        Assert.Equal(["data.attachmentIds"], refusal.FieldErrors.Keys);
        Assert.Same(before, run.Item);
    }

    [Fact]
    public void Every_action_takes_attachmentIds_and_without_them_records_nothing()
    {
        var run = Scenario.Drafted();
        var context = run.Context;
        context.Attachments = [new AttachmentInfo(1, "调研报告.pdf", 5, new string('d', 64), Orgs.Minmeng, false)];

        var submitted = WorkflowEngine.Apply(run.Definition, run.Item, People.PartyMember(), "submit-for-review", Scenario.Data("""{ "attachmentIds": [1] }"""), null, context).Transition!;
        var plain = WorkflowEngine.Apply(run.Definition, run.Item, People.PartyMember(), "submit-for-review", null, null, context).Transition!;

        Assert.Equal([1L], submitted.AttachmentIds);
        Assert.IsType<JsonArray>(submitted.Audit.Data["attachments"]);
        Assert.Empty(plain.AttachmentIds);
        Assert.Null(plain.Audit.Data["attachments"]);
    }

    [Fact]
    public void Other_unknown_data_fields_are_still_refused()
    {
        var run = Scenario.Drafted();

        var refusal = run.Refused(People.PartyMember(), "submit-for-review", """{ "attachmentId": [1] }""");

        Assert.Equal(["data.attachmentId"], refusal.FieldErrors.Keys);
    }
}
