using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Organizations;
using Proposals.Data.Topics;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Topics;

namespace Proposals.Host.Pages.Topics;

/// <summary>Topics (党委出题): the committee sets and closes them; parties claim open ones and draft reports on theirs.</summary>
internal sealed class TopicsPageModel(TopicStore topics, OrganizationStore organizations, EngineContextFactory contexts, TimeProvider time) : PageModel
{
    public IReadOnlyList<TopicsApi.TopicView> Topics { get; private set; } = [];

    public IReadOnlyList<Organization> Parties { get; private set; } = [];

    public Caller Me => Caller.From(User);

    public string? Problem { get; private set; }

    public Dictionary<string, string[]> FieldErrors { get; } = new(StringComparer.Ordinal);

    public bool IsCommittee => Me.IsIn(Roles.Committee);

    public bool IsPartyAdmin => Me.OrganizationKind == OrganizationKind.Party && Me.IsIn(Roles.PartyAdmin);

    public bool MayDraft => Me.OrganizationKind == OrganizationKind.Party && Me.IsIn(Roles.PartyAdmin, Roles.PartyMember);

    public bool OursOn(TopicsApi.TopicView topic) => topic.Parties.Any(p => p.Organization.Id == Me.OrganizationId);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? title, string? description, int? year, string? researchDeadline, long[] assignedPartyIds, CancellationToken cancellationToken)
    {
        var result = await TopicsApi.CreateAsync(Me, new TopicsApi.CreateTopicRequest(title, description, year, researchDeadline, assignedPartyIds), topics, contexts, cancellationToken);
        return await AnswerAsync(result.Result, cancellationToken);
    }

    public async Task<IActionResult> OnPostClaimAsync(long topicId, CancellationToken cancellationToken) =>
        await AnswerAsync((await TopicsApi.ClaimAsync(topicId, Me, topics, contexts, cancellationToken)).Result, cancellationToken);

    public async Task<IActionResult> OnPostCloseAsync(long topicId, CancellationToken cancellationToken) =>
        await AnswerAsync((await TopicsApi.CloseAsync(topicId, Me, topics, contexts, time, cancellationToken)).Result, cancellationToken);

    private async Task<IActionResult> AnswerAsync(IResult result, CancellationToken cancellationToken)
    {
        if (result is not ProblemHttpResult problem)
        {
            return RedirectToPage();
        }
        Problem = FormProblems.Take(problem, FieldErrors, Response);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public string Posted(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : "";

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Topics = await TopicsApi.ListAsync(null, topics, contexts, cancellationToken);
        Parties = (await organizations.ListAsync(cancellationToken)).Where(o => o.Kind == OrganizationKind.Party && o.Active).ToList();
    }
}
