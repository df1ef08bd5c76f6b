using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>Bad action data is refused field by field, keyed as data.field, and changes nothing.</summary>
public class ActionDataFacts
{
    private static void AssertInvalid(Refusal refusal, params string[] fields)
    {
        Assert.Equal(RefusalKind.InvalidData, refusal.Kind);
        Assert.Equal(fields.Order(StringComparer.Ordinal), refusal.FieldErrors.Keys.Order(StringComparer.Ordinal));
        Assert.All(refusal.FieldErrors.Values, messages => Assert.NotEmpty(messages));
    }

    [Fact]
    public void Rejecting_needs_a_reason()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "reject"), "data.reason");
        AssertInvalid(run.Refused(People.Government(), "reject", """{ "reason": "   " }"""), "data.reason");
        Assert.Equal("government-review", run.Item.State);
    }

    [Fact]
    public void Adopting_needs_a_lead_department()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", """{ "coDepartmentIds": [21] }"""), "data.leadDepartmentId");
    }

    [Fact]
    public void Adopting_with_an_unknown_organisation_is_refused()
    {
        var run = Scenario.InGovernmentReview();

        var refusal = run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": 99 }""");

        AssertInvalid(refusal, "data.leadDepartmentId");
        Assert.Contains("99", refusal.FieldErrors["data.leadDepartmentId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_party_cannot_be_made_the_lead_department()
    {
        var run = Scenario.InGovernmentReview();

        var refusal = run.Refused(People.Government(), "adopt", $$"""{ "leadDepartmentId": {{Orgs.Minmeng}} }""");

        AssertInvalid(refusal, "data.leadDepartmentId");
        Assert.Contains("民盟市委会", refusal.FieldErrors["data.leadDepartmentId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_co_department_list_naming_a_non_department_is_refused_at_that_entry()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": 20, "coDepartmentIds": [21, 30] }"""), "data.coDepartmentIds[1]");
    }

    [Fact]
    public void A_co_department_named_twice_is_refused()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": 20, "coDepartmentIds": [21, 21] }"""), "data.coDepartmentIds[1]");
    }

    [Fact]
    public void The_lead_cannot_also_be_a_co_department()
    {
        var run = Scenario.InGovernmentReview();

        var refusal = run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": 20, "coDepartmentIds": [21, 20] }""");

        AssertInvalid(refusal, "data.coDepartmentIds");
        Assert.Contains("发改局", refusal.FieldErrors["data.coDepartmentIds"][0], StringComparison.Ordinal);
        Assert.Empty(run.Item.Assignments);
    }

    [Theory]
    [InlineData("2025-03-02")]
    [InlineData("2025-03-03")]
    public void A_due_date_that_is_not_after_today_is_refused(string dueDate)
    {
        // Today in Shanghai is 3 March, though it is still 2 March in UTC.
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", $$"""{ "leadDepartmentId": 20, "dueDate": "{{dueDate}}" }"""), "data.dueDate");
    }

    [Theory]
    [InlineData("2025/06/30")]
    [InlineData("2025-02-30")]
    [InlineData("next month")]
    public void A_due_date_that_is_not_a_date_is_refused(string dueDate)
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", $$"""{ "leadDepartmentId": 20, "dueDate": "{{dueDate}}" }"""), "data.dueDate");
    }

    [Fact]
    public void A_field_the_action_does_not_have_is_refused()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": 20, "leader": "张市长" }"""), "data.leader");
    }

    [Fact]
    public void Data_of_the_wrong_type_is_refused()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(
            run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": "fgj", "partly": "yes", "coDepartmentIds": 21, "instruction": 5 }"""),
            "data.leadDepartmentId", "data.partly", "data.coDepartmentIds", "data.instruction");
    }

    [Fact]
    public void An_organisation_id_sent_as_a_string_is_refused_like_every_other_number()
    {
        var run = Scenario.InGovernmentReview();

        AssertInvalid(run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": "20", "coDepartmentIds": ["21"] }"""), "data.leadDepartmentId", "data.coDepartmentIds[0]");
        Assert.Empty(run.Item.Assignments);
    }

    [Fact]
    public void Not_satisfied_needs_a_reason()
    {
        var run = Scenario.InEvaluation();

        AssertInvalid(run.Refused(People.PartyAdmin(), "evaluate", """{ "rating": "not-satisfied" }"""), "data.reason");
        Assert.Equal("evaluation", run.Item.State);
    }

    [Fact]
    public void A_rating_outside_its_choices_is_refused()
    {
        var run = Scenario.InEvaluation();

        AssertInvalid(run.Refused(People.PartyAdmin(), "evaluate", """{ "rating": "excellent" }"""), "data.rating");
    }

    [Fact]
    public void A_category_b_reply_needs_a_commitment_date()
    {
        var run = Scenario.ReadyToReply();

        AssertInvalid(run.Refused(People.Department(Orgs.Fgj), "reply", """{ "text": "列入明年计划", "category": "B" }"""), "data.commitmentDate");
    }

    [Fact]
    public void Text_longer_than_its_max_length_is_refused()
    {
        var run = Scenario.Drafted();
        run.Do(People.PartyMember(), "submit-for-review");

        var refusal = run.Refused(People.PartyAdmin(), "return-draft", $$"""{ "reason": "{{new string('理', 2001)}}" }""");

        AssertInvalid(refusal, "data.reason");
        Assert.Contains("2001", refusal.FieldErrors["data.reason"][0], StringComparison.Ordinal);
        Assert.Equal("party-review", run.Item.State);
    }

    [Fact]
    public void Text_of_exactly_its_max_length_is_accepted()
    {
        var run = Scenario.Drafted();
        run.Do(People.PartyMember(), "submit-for-review");

        run.Do(People.PartyAdmin(), "return-draft", $$"""{ "reason": "{{new string('理', 2000)}}" }""", new string('评', 2000));

        Assert.Equal("draft", run.Item.State);
    }

    [Fact]
    public void A_comment_over_two_thousand_characters_is_refused()
    {
        var run = Scenario.Drafted();

        AssertInvalid(run.Refused(People.PartyAdmin(), "submit", comment: new string('评', 2001)), "comment");
        Assert.Equal("draft", run.Item.State);
    }

    [Fact]
    public void A_whole_number_outside_its_range_is_refused()
    {
        var run = Scenario.Adopted();
        run.SignAll();

        AssertInvalid(run.Refused(People.Department(Orgs.Fgj), "record-progress", """{ "text": "进展", "percent": 101 }"""), "data.percent");
        AssertInvalid(run.Refused(People.Department(Orgs.Fgj), "record-progress", """{ "text": "进展", "percent": 50.5 }"""), "data.percent");
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var run = Scenario.Adopted();
        run.SignAll();

        AssertInvalid(
            run.Refused(People.Department(Orgs.Fgj), "record-progress", $$"""{ "text": "{{new string('字', 4001)}}", "percent": -1, "extra": true }""", new string('评', 2001)),
            "data.text", "data.percent", "data.extra", "comment");
    }
}
