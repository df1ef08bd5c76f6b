using Microsoft.AspNetCore.Http.HttpResults;

namespace Proposals.Host.Pages;

/// <summary>How a page shows a refusal of the API's logic it called: the message on top, each field's messages beside it.</summary>
internal static class FormProblems
{
    /// <summary>Copies the refusal's field messages (named as the form names its fields) and its status; returns its message.</summary>
    public static string Take(ProblemHttpResult problem, Dictionary<string, string[]> fieldErrors, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(fieldErrors);
        ArgumentNullException.ThrowIfNull(response);
        if (problem.ProblemDetails is HttpValidationProblemDetails validation)
        {
            foreach (var (field, messages) in validation.Errors)
            {
                // The engine names action data "data.<field>"; the form's inputs are named by the field alone.
                fieldErrors[field.StartsWith("data.", StringComparison.Ordinal) ? field["data.".Length..] : field] = messages;
            }
        }
        response.StatusCode = problem.StatusCode;
        return problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "";
    }
}
