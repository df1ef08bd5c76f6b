using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;

namespace Proposals.Host.Pages.Proposals;

/// <summary>A new draft, on a topic of the party's or self-chosen; the engine decides who may and what is missing.</summary>
internal sealed class NewProposalModel(ProposalActions actions) : PageModel
{
    [FromQuery] public long? TopicId { get; set; }

    public string? Problem { get; private set; }

    public Dictionary<string, string[]> FieldErrors { get; } = new(StringComparer.Ordinal);

    public string FormKey { get; } = Guid.NewGuid().ToString("N");

    public async Task<IActionResult> OnPostAsync(long? topicId, string? title, string? summary, string? body, string? formKey, CancellationToken cancellationToken)
    {
        TopicId = topicId;
        var key = formKey is { Length: > 0 and <= 64 } ? $"page-{formKey}" : null;
        var result = await actions.CreateAsync(Caller.From(User), new CreateProposalRequest(topicId, title, summary, body), key, cancellationToken);
        switch (result)
        {
            case Created<ProposalView> created:
                return Redirect($"/proposals/{created.Value!.Id}");
            case ProblemHttpResult problem:
                Problem = FormProblems.Take(problem, FieldErrors, Response);
                return Page();
            default:
                // The same form sent again: the draft exists already.
                return Redirect("/proposals");
        }
    }

    public string Posted(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : "";
}
