using System.Globalization;
using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;

namespace Proposals.Host.Proposals;

/// <summary>Reads list filters from the query string, collecting one message per bad parameter instead of guessing.</summary>
internal static class QueryParsing
{
    public static ProposalQuery Proposals(
        WorkflowDefinition definition, string? stage, string? state, string? overdue, string? organizationId, string? q,
        string? page, string? pageSize, string? year, string? keySupervision, Dictionary<string, string[]> errors)
    {
        if (stage is not null && definition.Stages.All(s => s.Id != stage))
        {
            errors["stage"] = [$"未知阶段“{stage}”；可选：{string.Join(", ", definition.Stages.Select(s => s.Id))}"];
        }
        if (state is not null && definition.FindState(state) is null)
        {
            errors["state"] = [$"未知状态“{state}”；可选：{string.Join(", ", definition.States.Select(s => s.Id))}"];
        }
        if (q is { Length: > ProposalsApi.MaxTextFilter })
        {
            errors["q"] = [$"搜索词过长：最多 {ProposalsApi.MaxTextFilter} 字"];
        }
        return new ProposalQuery(
            Stage: stage,
            State: state,
            Overdue: Bool(overdue, "overdue", errors),
            OrganizationId: Long(organizationId, "organizationId", errors),
            Text: string.IsNullOrWhiteSpace(q) ? null : q,
            Year: Int(year, "year", 2000, 2100, errors),
            KeySupervision: Bool(keySupervision, "keySupervision", errors),
            Page: Int(page, "page", 1, 100_000, errors) ?? 1,
            PageSize: Int(pageSize, "pageSize", 1, ProposalStore.MaxPageSize, errors) ?? 20);
    }

    public static bool? Bool(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        errors[name] = [$"{name} 应为 true 或 false"];
        return null;
    }

    public static long? Long(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        errors[name] = [$"{name} 应为正整数编号"];
        return null;
    }

    public static int? Int(string? text, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors[name] = [$"{name} 应为 {min} 到 {max} 之间的整数"];
        return null;
    }
}
