using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;

namespace Proposals.Host.Tests.Authorization;

/// <summary>
/// Valid data for an action, built from its data definition, so that an authorised action is never refused for its
/// data: every required field (and every field required by the values chosen) with a valid value, and the
/// co-departments of an assignment, so that adopting or reassigning gives the item its usual three departments.
/// </summary>
public static class ValidActionData
{
    public static JsonObject For(ActionDefinition action, Func<string, long> organizationId, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(organizationId);
        var data = new JsonObject();
        foreach (var (name, field) in action.Data.Where(f => f.Value.Required || f.Value.Type == FieldTypes.OrganizationList))
        {
            data[name] = Value(name, field, organizationId, today);
        }
        // requiredWhen reads values chosen above; first choices (A, satisfied) never ask for more, but stay general.
        foreach (var (name, field) in action.Data.Where(f => f.Value.RequiredWhen is { } when && data[when.Field]?.ToString() == when.EqualsValue))
        {
            data[name] = Value(name, field, organizationId, today);
        }
        // A revision must change something: it gets a new title.
        if (action.Effects.Contains(Effects.Revise))
        {
            data["title"] = "权限矩阵：修改后的标题";
        }
        return data;
    }

    private static JsonNode Value(string name, FieldDefinition field, Func<string, long> organizationId, DateOnly today) => field.Type switch
    {
        // A contact is recorded after it took place.
        FieldTypes.Date when name == "contactDate" => JsonValue.Create(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        FieldTypes.MilestoneList => new JsonArray(new JsonObject { ["title"] = "权限矩阵：节点", ["dueDate"] = today.AddMonths(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
        FieldTypes.Text => JsonValue.Create($"权限矩阵：{field.Label ?? name}"),
        FieldTypes.Bool => JsonValue.Create(false),
        // Far enough ahead to be later than any deadline the chain sets (3 months), as a new due date must be.
        FieldTypes.Date => JsonValue.Create(today.AddMonths(9).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        FieldTypes.WholeNumber => JsonValue.Create(field.Min ?? 0),
        FieldTypes.Choice => JsonValue.Create(field.Values[0]),
        // A party the item's party may invite; a department it may be assigned to.
        FieldTypes.Organization => JsonValue.Create(organizationId(field.Kind == "party" ? "jiusan" : ItemPosition.Lead)),
        FieldTypes.OrganizationList => new JsonArray([.. ItemPosition.CoDepartments.Select(c => (JsonNode)JsonValue.Create(organizationId(c)))]),
        _ => throw new InvalidOperationException($"The matrix cannot make a value of type '{field.Type}' for '{name}'."),
    };
}
