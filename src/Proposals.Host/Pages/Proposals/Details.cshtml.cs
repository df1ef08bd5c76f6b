using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Attachments;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Pages.Proposals;

/// <summary>
/// One proposal: where it is in the five stages, its text, deadlines, departments and history, and one form per action
/// the user may take. A form goes through the same engine call as the API; the engine's messages are shown beside the
/// fields, and a refused form changes nothing.
/// </summary>
/// <summary>Two revisions of a proposal's text and what changed from the first to the second.</summary>
internal sealed record RevisionComparison(RevisionView From, RevisionView To, IReadOnlyList<DiffSegment> Title, IReadOnlyList<DiffSegment> Summary, IReadOnlyList<DiffSegment> Body);

internal sealed partial class ProposalPageModel(ProposalActions actions, ProposalStore store, OrganizationStore organizations, WorkflowCatalog catalog, EngineContextFactory contexts) : PageModel
{
    public ProposalView View { get; private set; } = null!;

    public WorkflowDefinition Definition { get; private set; } = null!;

    public IReadOnlyList<HistoryView> History { get; private set; } = [];

    public IReadOnlyList<Organization> Departments { get; private set; } = [];

    /// <summary>Active organisations, for fields that name one of a kind (a department to assign, a party to invite).</summary>
    public IReadOnlyList<Organization> Organizations { get; private set; } = [];

    public IReadOnlyList<RevisionView> Revisions { get; private set; } = [];

    /// <summary>The files the caller's organisation uploaded that no action has taken yet: an action's form offers them.</summary>
    public IReadOnlyList<AttachmentView> OwnUnboundFiles =>
        View.Attachments.Where(a => a.BoundSequence is null && a.Organization.Id == Caller.From(User).OrganizationId).ToList();

    /// <summary>Two revisions compared, when asked for: title, summary and body, each as a character diff.</summary>
    public RevisionComparison? Comparison { get; private set; }

    /// <summary>True when the revisions asked to be compared do not both exist.</summary>
    public bool ComparisonRefused { get; private set; }

    /// <summary>The action whose form was sent back with problems, to open it again with what was typed.</summary>
    public string? OpenAction { get; private set; }

    public string? Problem { get; private set; }

    public Dictionary<string, string[]> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>A fresh key per form shown, so that a form sent twice (a double click, a reload) acts once.</summary>
    public string FormKey { get; } = Guid.NewGuid().ToString("N");

    public async Task<IActionResult> OnGetAsync(long id, string? from, string? to, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        if (from is not null || to is not null)
        {
            Compare(from, to);
        }
        return Page();
    }

    private void Compare(string? from, string? to)
    {
        RevisionView? Find(string? number) =>
            int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Revisions.FirstOrDefault(r => r.Number == n) : null;
        if (Find(from) is not { } earlier || Find(to) is not { } later)
        {
            ComparisonRefused = true;
            return;
        }
        Comparison = new RevisionComparison(earlier, later, TextDiff.Compare(earlier.Title, later.Title),
            TextDiff.Compare(earlier.Summary, later.Summary), TextDiff.Compare(earlier.Body, later.Body));
    }

    /// <summary>A diff as one run of markup, with no whitespace between the pieces: the text is shown as it is written.</summary>
    public IHtmlContent DiffHtml(IReadOnlyList<DiffSegment> segments)
    {
        // The application's encoder, which leaves Chinese as it is, as everywhere else on the page.
        var encoder = HttpContext.RequestServices.GetRequiredService<HtmlEncoder>();
        var html = new StringBuilder();
        foreach (var segment in segments)
        {
            var text = encoder.Encode(segment.Text);
            html.Append(segment.Kind switch
            {
                DiffKind.Inserted => $"<ins>{text}</ins>",
                DiffKind.Deleted => $"<del>{text}</del>",
                _ => $"<span>{text}</span>",
            });
        }
        return new HtmlString(html.ToString());
    }

    /// <summary>What a form field shows: what was typed when the form came back with problems; for a revision, the current text.</summary>
    public string Prefill(ActionView action, string name, bool open)
    {
        if (open)
        {
            return Posted(name);
        }
        if (Definition.FindAction(action.Id) is not { } definition || !definition.Effects.Contains(Effects.Revise))
        {
            return "";
        }
        return name switch
        {
            "title" => View.Title,
            "summary" => View.Summary,
            "body" => View.Body,
            "topicId" => View.TopicId?.ToString(CultureInfo.InvariantCulture) ?? "",
            _ => "",
        };
    }

    /// <summary>
    /// For a field that names one of the item's own milestones or commitments, the ones the caller may name, as a choice;
    /// null for every other field.
    /// </summary>
    public IReadOnlyList<(int Value, string Text)>? SubjectChoices(ActionView action, string name)
    {
        var effects = Definition.FindAction(action.Id)?.Effects ?? [];
        if (name == "milestoneId" && effects.Contains(Effects.CompleteMilestone))
        {
            return (View.Plan?.Milestones ?? []).Where(m => m.Status == "open").Select(m => (m.Id, $"{m.Title}（{Ui.Date(m.DueDate)}）")).ToList();
        }
        if (name == "commitmentId" && effects.Contains(Effects.FulfilCommitment))
        {
            var own = Caller.From(User).OrganizationId;
            return View.Commitments.Where(c => c.Status != "fulfilled" && c.Department.Id == own).Select(c => (c.Number, $"{c.Text}（{Ui.Date(c.DueDate)}）")).ToList();
        }
        return null;
    }

    /// <summary>The milestone rows typed into a plan form that came back with problems; none on a fresh form.</summary>
    public IReadOnlyList<(string Title, string DueDate)> PostedMilestones(string name, bool open)
    {
        if (!open || !Request.HasFormContentType)
        {
            return [];
        }
        var titles = Request.Form[$"{name}.title"];
        var dates = Request.Form[$"{name}.dueDate"];
        return Enumerable.Range(0, Math.Max(titles.Count, dates.Count))
            .Select(i => (Title: i < titles.Count ? titles[i] ?? "" : "", DueDate: i < dates.Count ? dates[i] ?? "" : ""))
            .Where(r => r.Title.Trim().Length > 0 || r.DueDate.Trim().Length > 0).ToList();
    }

    /// <summary>The organisations a field may name: those of its kind, departments when it names none.</summary>
    public IEnumerable<Organization> Choices(FieldDefinition field) =>
        Organizations.Where(o => string.Equals(o.Kind.ToString(), field.Kind ?? nameof(OrganizationKind.Department), StringComparison.OrdinalIgnoreCase)
            && o.Id != View.Party.Id);

    public async Task<IActionResult> OnPostActAsync(long id, string actionId, int? version, string? comment, string? formKey, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        var action = Definition.FindAction(actionId);
        var data = action is null ? [] : Data(action);
        var request = new ActionRequest(version, string.IsNullOrWhiteSpace(comment) ? null : comment, data);
        var key = formKey is { Length: > 0 and <= ProposalActions.MaxIdempotencyKeyLength } ? $"page-{formKey}" : null;
        var result = await actions.ApplyAsync(Caller.From(User), id, actionId, request, key, cancellationToken);
        if (result is not ProblemHttpResult problem)
        {
            return RedirectToPage(new { id });
        }
        OpenAction = actionId;
        Problem = FormProblems.Take(problem, FieldErrors, Response);
        return Page();
    }

    public string Posted(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : "";

    public bool PostedContains(string name, long value) =>
        Request.HasFormContentType && Request.Form[name].Contains(value.ToString(CultureInfo.InvariantCulture));

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var caller = Caller.From(User);
        var view = await actions.ViewAsync(caller, id, cancellationToken);
        if (view is null)
        {
            return false;
        }
        View = view;
        Definition = await catalog.GetAsync(view.Workflow.Id, view.Workflow.Version, cancellationToken);
        History = await ProposalsApi.HistoryOfAsync(caller, id, store, catalog, contexts, cancellationToken) ?? [];
        Organizations = (await organizations.ListAsync(cancellationToken)).Where(o => o.Active).ToList();
        Departments = Organizations.Where(o => o.Kind == OrganizationKind.Department).ToList();
        Revisions = await actions.RevisionsAsync(caller, id, cancellationToken) ?? [];
        await LoadAttachmentsAsync(id, null, cancellationToken);
        return true;
    }

    // The form's fields as the engine's data: typed where the text reads as its type, otherwise passed as typed so
    // that the engine's own message names what is wrong.
    private JsonObject Data(ActionDefinition action)
    {
        var data = new JsonObject();
        foreach (var (name, field) in action.Data)
        {
            var values = Request.Form[name];
            var text = values.ToString().Trim();
            switch (field.Type)
            {
                case FieldTypes.Bool:
                    data[name] = values.Contains("true");
                    break;
                case FieldTypes.OrganizationList:
                    var ids = new JsonArray();
                    foreach (var value in values)
                    {
                        ids.Add(long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId) ? JsonValue.Create(organizationId) : JsonValue.Create(value));
                    }
                    if (ids.Count > 0)
                    {
                        data[name] = ids;
                    }
                    break;
                case FieldTypes.MilestoneList:
                    // Rows left empty are not milestones; a half-filled row is sent as it is, for the engine to name what is missing.
                    var milestones = new JsonArray();
                    foreach (var (title, dueDate) in PostedMilestones(name, open: true))
                    {
                        milestones.Add(new JsonObject { ["title"] = title.Trim(), ["dueDate"] = dueDate.Trim() });
                    }
                    data[name] = milestones;
                    break;
                case FieldTypes.Organization or FieldTypes.WholeNumber when text.Length > 0:
                    data[name] = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(text);
                    break;
                default:
                    if (text.Length > 0)
                    {
                        // A browser sends a textarea's line breaks as CR LF; the text is kept with LF, as the API receives it.
                        data[name] = text.Replace("\r\n", "\n", StringComparison.Ordinal);
                    }
                    break;
            }
        }
        var attachmentIds = new JsonArray();
        foreach (var value in Request.Form["attachmentIds"])
        {
            attachmentIds.Add(long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var attachmentId) ? JsonValue.Create(attachmentId) : JsonValue.Create(value));
        }
        if (attachmentIds.Count > 0)
        {
            data["attachmentIds"] = attachmentIds;
        }
        return data;
    }
}
