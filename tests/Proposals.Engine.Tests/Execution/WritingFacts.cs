using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>The second version of the chain: revising a draft, co-signing parties and withdrawal, without I/O.</summary>
public class WritingFacts
{
    private static Scenario Drafted()
    {
        var run = new Scenario(definitionFile: RepositoryFiles.NextDefinitionFileName);
        run.Create();
        return run;
    }

    [Fact]
    public void The_next_version_keeps_every_state_and_action_of_the_first_as_it_was()
    {
        var first = new Scenario().Definition;
        var next = Drafted().Definition;

        Assert.Equal(2, next.Version);
        foreach (var state in first.States)
        {
            Assert.Equal(state.Name, next.State(state.Id).Name);
        }
        // Only submit gained a guard: it waits for open invitations.
        foreach (var action in first.Actions)
        {
            var same = next.FindAction(action.Id)!;
            Assert.Equal(action.From, same.From);
            Assert.Equal(action.To, same.To);
            Assert.Equal(action.Roles, same.Roles);
            Assert.Equal(action.Id == "submit" ? ["no-open-invitation"] : action.Guards, same.Guards);
        }
        Assert.Equal(["closed-withdrawn", "draft", "party-review"], next.PartyOnlyStates().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_revision_changes_only_what_it_names_and_numbers_itself_in_its_event()
    {
        var run = Drafted();

        var revised = run.Do(People.PartyMember(), "revise", """{ "body": "新的正文" }""");

        Assert.Equal("新的正文", revised.After.Body);
        Assert.Equal("关于加快城乡融合发展的建议", revised.After.Title);
        Assert.Equal("摘要", revised.After.Summary);
        Assert.Equal(2, revised.After.Revision);
        Assert.Equal(2, revised.Audit.Data["revision"]!.GetValue<int>());
        Assert.Equal("draft", revised.After.State);
        Assert.Empty(revised.OpenedTasks);
        Assert.Empty(revised.ClosedTasks);
    }

    [Fact]
    public void Under_review_the_member_may_not_revise_but_the_admin_may()
    {
        var run = Drafted();
        run.Do(People.PartyMember(), "submit-for-review");

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.PartyMember(), "revise", """{ "title": "改" }""").Kind);
        Assert.Equal(2, run.Do(People.PartyAdmin(), "revise", """{ "title": "改" }""").After.Revision);
    }

    [Fact]
    public void A_revision_onto_a_topic_reads_the_topic_from_the_context_and_moves_the_research_deadline()
    {
        var run = Drafted();
        var topic = new TopicInfo(9, "养老课题", 2025, new DateOnly(2025, 9, 30), false, [Orgs.Minmeng]);
        var context = run.Context.WithTopics([topic]);

        var outcome = WorkflowEngine.Apply(run.Definition, run.Item, People.PartyMember(), "revise", Scenario.Data("""{ "topicId": 9 }"""), null, context);
        var unknown = WorkflowEngine.Apply(run.Definition, run.Item, People.PartyMember(), "revise", Scenario.Data("""{ "topicId": 8 }"""), null, context);
        var foreign = WorkflowEngine.Apply(run.Definition, run.Item, People.PartyMember(), "revise", Scenario.Data("""{ "topicId": 9 }"""),
            null, run.Context.WithTopics([topic with { PartyIds = [Orgs.Jiusan] }]));

        Assert.Equal(9, outcome.Transition!.After.TopicId);
        Assert.Equal(new DateOnly(2025, 9, 30), Assert.Single(outcome.Transition.OpenedTasks).DueDate);
        Assert.Contains("data.topicId", unknown.Refusal!.FieldErrors.Keys);
        Assert.Contains("data.topicId", foreign.Refusal!.FieldErrors.Keys);
    }

    [Fact]
    public void An_open_invitation_holds_back_submit_and_the_refusal_names_the_party()
    {
        var run = Drafted();
        var invited = run.Do(People.PartyAdmin(), "invite-cosigner", """{ "partyId": 3 }""");

        var notice = Assert.Single(invited.Notifications);
        Assert.Equal(new Recipient(Orgs.Jiusan, null, Roles.PartyAdmin), notice.Recipient);
        Assert.Equal(["accept-cosign", "decline-cosign"], run.Allowed(People.PartyAdmin(Orgs.Jiusan)).Order(StringComparer.Ordinal));
        var refusal = run.Refused(People.PartyAdmin(), "submit");
        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.Contains("九三学社市委会", refusal.Message, StringComparison.Ordinal);

        run.Do(People.PartyAdmin(Orgs.Jiusan), "accept-cosign");
        Assert.Equal(CosignStatus.Accepted, Assert.Single(run.Item.Cosigners).Status);
        Assert.Equal("government-review", run.Do(People.PartyAdmin(), "submit").After.State);
    }

    [Fact]
    public void Only_the_invited_party_answers_and_only_once()
    {
        var run = Drafted();
        run.Do(People.PartyAdmin(), "invite-cosigner", """{ "partyId": 3 }""");

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.PartyAdmin(), "accept-cosign").Kind);
        run.Do(People.PartyAdmin(Orgs.Jiusan), "decline-cosign", """{ "reason": "另有安排" }""");
        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.PartyAdmin(Orgs.Jiusan), "accept-cosign").Kind);
        Assert.Equal(CosignStatus.Declined, Assert.Single(run.Item.Cosigners).Status);
    }

    [Fact]
    public void The_reply_is_told_to_the_cosigning_party_and_each_rates_it_once_a_round()
    {
        var run = Drafted();
        run.Do(People.PartyAdmin(), "invite-cosigner", """{ "partyId": 3 }""");
        run.Do(People.PartyAdmin(Orgs.Jiusan), "accept-cosign");
        run.Do(People.PartyAdmin(), "submit");
        run.Adopt(Orgs.Fgj);
        run.SignAll();
        var reply = run.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "已解决", "category": "A" }""");

        Assert.Contains(reply.Notifications, n => n.Recipient == new Recipient(Orgs.Jiusan, null, Roles.PartyAdmin));
        var rated = run.Do(People.PartyAdmin(Orgs.Jiusan), "evaluate-as-cosigner", """{ "rating": "not-satisfied", "reason": "措施不具体" }""");
        Assert.Equal("evaluation", rated.After.State);
        Assert.Equal(1, rated.After.Cosigners.Single().EvaluatedRound);
        Assert.Contains("已评价", run.Refused(People.PartyAdmin(Orgs.Jiusan), "evaluate-as-cosigner", """{ "rating": "satisfied" }""").Message, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.PartyAdmin(Orgs.Jiusan), "evaluate", """{ "rating": "satisfied" }""").Kind);

        // The lead's not-satisfied opens a second round, in which the co-signer rates again.
        run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "not-satisfied", "reason": "未解决" }""");
        run.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "再次答复", "category": "A" }""");
        Assert.Equal(2, run.Do(People.PartyAdmin(Orgs.Jiusan), "evaluate-as-cosigner", """{ "rating": "satisfied" }""").After.Cosigners.Single().EvaluatedRound);
    }

    [Fact]
    public void Withdrawing_a_draft_tells_only_the_party_and_withdrawing_a_submission_tells_the_government()
    {
        var draft = Drafted();
        var fromDraft = draft.Do(People.PartyAdmin(), "withdraw", """{ "reason": "重新选题" }""");
        var submitted = Drafted();
        submitted.Do(People.PartyAdmin(), "submit");
        var fromReview = submitted.Do(People.PartyAdmin(), "withdraw", """{ "reason": "情况变化" }""");

        Assert.Equal("closed-withdrawn", fromDraft.After.State);
        Assert.NotEmpty(fromDraft.Notifications);
        Assert.All(fromDraft.Notifications, n => Assert.Equal(Orgs.Minmeng, n.Recipient.OrganizationId));
        Assert.Contains(fromReview.Notifications, n => n.Recipient.OrganizationKind == OrganizationKind.Government);
        Assert.Single(fromReview.ClosedTasks);
        Assert.Empty(fromReview.OpenedTasks);
    }

    [Fact]
    public void Roles_in_a_state_may_only_narrow_the_action_s_roles_and_name_one_of_its_states()
    {
        var root = JsonNode.Parse(RepositoryFiles.WorkflowJson(RepositoryFiles.NextDefinitionFileName))!.AsObject();
        var revise = root["actions"]!.AsArray().Single(a => (string?)a!["id"] == "revise")!;
        revise["rolesIn"] = JsonNode.Parse("""{ "government-review": ["party-admin"], "party-review": ["government"] }""");

        var errors = DefinitionLoader.Parse("v2.json", root.ToJsonString()).Errors.Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.Contains("rolesIn.government-review", StringComparison.Ordinal) && e.Contains("not one of the states", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rolesIn.party-review", StringComparison.Ordinal) && e.Contains("can only narrow", StringComparison.Ordinal));
    }

    [Fact]
    public void A_whole_number_built_in_code_as_a_long_is_read_like_one_parsed_from_json()
    {
        var run = Drafted();
        var topic = new TopicInfo(9, "养老课题", 2025, new DateOnly(2025, 9, 30), false, [Orgs.Minmeng]);
        var data = new JsonObject { ["topicId"] = JsonValue.Create(9L) };

        var outcome = WorkflowEngine.Apply(run.Definition, run.Item, People.PartyMember(), "revise", data, null, run.Context.WithTopics([topic]));

        Assert.Null(outcome.Refusal);
        Assert.Equal(9, outcome.Transition!.After.TopicId);
    }
}
