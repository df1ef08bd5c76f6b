using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Execution;

/// <summary>Checks an action's data against its field definitions and returns it normalised, or one message per bad field.</summary>
internal static class ActionData
{
    public const int DefaultTextLimit = 4000;
    public const int CommentLimit = 2000;

    public static JsonObject Normalise(ActionDefinition action, JsonObject? data, EngineContext context, Dictionary<string, List<string>> errors)
    {
        var result = new JsonObject();
        data ??= [];
        foreach (var (name, _) in data)
        {
            // attachmentIds is every action's: the engine reads it apart (AttachmentBinding).
            if (!action.Data.ContainsKey(name) && name != AttachmentBinding.Field)
            {
                AddError(errors, $"data.{name}", $"动作“{action.Name}”没有字段 {name}");
            }
        }
        foreach (var (name, field) in action.Data)
        {
            var node = data[name];
            var path = $"data.{name}";
            var present = node is not null && !(node is JsonValue v && v.TryGetValue<string>(out var s) && string.IsNullOrWhiteSpace(s));
            if (!present)
            {
                if (field.Required || (field.RequiredWhen is { } when && FieldEquals(data[when.Field], when.EqualsValue)))
                {
                    AddError(errors, path, $"必须填写{Label(name, field)}");
                }
                continue;
            }
            var value = NormaliseValue(name, field, node!, context, errors);
            if (value is not null)
            {
                result[name] = value;
            }
        }
        return result;
    }

    public static bool FieldEquals(JsonNode? node, string expected) =>
        node is JsonValue value && (value.TryGetValue<string>(out var text) ? text == expected
            : value.TryGetValue<bool>(out var flag) && flag.ToString().Equals(expected, StringComparison.OrdinalIgnoreCase));

    private static JsonNode? NormaliseValue(string name, FieldDefinition field, JsonNode node, EngineContext context, Dictionary<string, List<string>> errors)
    {
        var path = $"data.{name}";
        var label = Label(name, field);
        switch (field.Type)
        {
            case FieldTypes.Text:
                if (node is not JsonValue textValue || !textValue.TryGetValue<string>(out var text))
                {
                    AddError(errors, path, $"{label}应为文本");
                    return null;
                }
                var limit = field.MaxLength ?? DefaultTextLimit;
                if (text.Length > limit)
                {
                    AddError(errors, path, $"{label}过长：最多 {limit} 字，实际 {text.Length} 字");
                    return null;
                }
                return JsonValue.Create(text.Trim());
            case FieldTypes.Bool:
                if (node is JsonValue boolValue && boolValue.TryGetValue<bool>(out var flag))
                {
                    return JsonValue.Create(flag);
                }
                AddError(errors, path, $"{label}应为 true 或 false");
                return null;
            case FieldTypes.Date:
                if (node is JsonValue dateValue && dateValue.TryGetValue<string>(out var dateText) && CalendarDates.TryParse(dateText, out var date))
                {
                    return JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
                AddError(errors, path, $"{label}：{CalendarDates.Expectation}");
                return null;
            case FieldTypes.WholeNumber:
                if (node is JsonValue numberValue && numberValue.GetValueKind() == JsonValueKind.Number && WholeNumber(numberValue) is { } number)
                {
                    if ((field.Min is { } min && number < min) || (field.Max is { } max && number > max))
                    {
                        AddError(errors, path, $"{label}应在 {field.Min} 到 {field.Max} 之间");
                        return null;
                    }
                    return JsonValue.Create(number);
                }
                AddError(errors, path, $"{label}应为整数");
                return null;
            case FieldTypes.Choice:
                if (node is JsonValue choiceValue && choiceValue.TryGetValue<string>(out var choice) && field.Values.Contains(choice))
                {
                    return JsonValue.Create(choice);
                }
                AddError(errors, path, $"{label}应为以下之一：{string.Join("、", field.Values)}");
                return null;
            case FieldTypes.Organization:
                return OrganizationId(node, path, label, field, context, errors) is { } id ? JsonValue.Create(id) : null;
            case FieldTypes.OrganizationList:
                if (node is not JsonArray array)
                {
                    AddError(errors, path, $"{label}应为单位编号的数组");
                    return null;
                }
                var ids = new JsonArray();
                var seen = new HashSet<long>();
                var ok = true;
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null || OrganizationId(array[i]!, $"{path}[{i}]", label, field, context, errors) is not { } item)
                    {
                        if (array[i] is null)
                        {
                            AddError(errors, $"{path}[{i}]", $"{label}含有空值");
                        }
                        ok = false;
                        continue;
                    }
                    if (!seen.Add(item))
                    {
                        AddError(errors, $"{path}[{i}]", $"{label}中 {context.NameOf(item)} 重复");
                        ok = false;
                        continue;
                    }
                    ids.Add(item);
                }
                return ok ? ids : null;
            case FieldTypes.MilestoneList:
                return Milestones(path, label, field, node, errors);
            default:
                throw new InvalidOperationException($"Field type '{field.Type}' passed validation but has no reader.");
        }
    }

    public const int MilestoneTitleLimit = 200;

    // [{title, dueDate}], in the order given; each milestone's problems are named by its place, as the form shows them.
    private static JsonArray? Milestones(string path, string label, FieldDefinition field, JsonNode node, Dictionary<string, List<string>> errors)
    {
        var fewest = field.Min ?? 1;
        var most = field.Max ?? 20;
        if (node is not JsonArray array)
        {
            AddError(errors, path, $"{label}应为数组：[{{\"title\": 名称, \"dueDate\": 日期}}]");
            return null;
        }
        if (array.Count < fewest || array.Count > most)
        {
            AddError(errors, path, $"{label}应有 {fewest} 到 {most} 项，实际 {array.Count} 项");
            return null;
        }
        var titleLimit = field.MaxLength ?? MilestoneTitleLimit;
        var result = new JsonArray();
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (array[i] is not JsonObject milestone)
            {
                AddError(errors, itemPath, $"第 {i + 1} 项应为对象：{{\"title\": 名称, \"dueDate\": 日期}}");
                ok = false;
                continue;
            }
            foreach (var (key, _) in milestone)
            {
                if (key is not ("title" or "dueDate"))
                {
                    AddError(errors, $"{itemPath}.{key}", $"第 {i + 1} 项没有字段 {key}（只有 title 和 dueDate）");
                    ok = false;
                }
            }
            string? title = null;
            if (milestone["title"] is not JsonValue titleValue || !titleValue.TryGetValue(out title) || string.IsNullOrWhiteSpace(title))
            {
                AddError(errors, $"{itemPath}.title", $"第 {i + 1} 项必须填写节点名称");
                ok = false;
            }
            else if (title.Trim().Length > titleLimit)
            {
                AddError(errors, $"{itemPath}.title", $"第 {i + 1} 项名称过长：最多 {titleLimit} 字，实际 {title.Trim().Length} 字");
                ok = false;
            }
            DateOnly due = default;
            if (milestone["dueDate"] is not JsonValue dueValue || !dueValue.TryGetValue<string>(out var dueText) || !CalendarDates.TryParse(dueText, out due))
            {
                AddError(errors, $"{itemPath}.dueDate", $"第 {i + 1} 项的完成日期：{CalendarDates.Expectation}");
                ok = false;
            }
            if (ok)
            {
                result.Add(new JsonObject { ["title"] = title!.Trim(), ["dueDate"] = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            }
        }
        return ok ? result : null;
    }

    // A number parsed from JSON text reads as any integer type; one built in code (a page's form) only as the type it was made with.
    private static int? WholeNumber(JsonValue value)
    {
        if (value.TryGetValue<int>(out var small))
        {
            return small;
        }
        return value.TryGetValue<long>(out var large) && large is >= int.MinValue and <= int.MaxValue ? (int)large : null;
    }

    private static long? OrganizationId(JsonNode node, string path, string label, FieldDefinition field, EngineContext context, Dictionary<string, List<string>> errors)
    {
        long id;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number))
        {
            id = number;
        }
        else
        {
            AddError(errors, path, $"{label}应为单位编号");
            return null;
        }
        if (!context.Organizations.TryGetValue(id, out var org))
        {
            AddError(errors, path, $"单位 {id} 不存在");
            return null;
        }
        if (!org.Active)
        {
            AddError(errors, path, $"单位 {org.Name} 已停用");
            return null;
        }
        if (field.Kind is { } kind && !string.Equals(org.Kind.ToString(), kind, StringComparison.OrdinalIgnoreCase))
        {
            AddError(errors, path, $"{org.Name} 不是{KindName(kind)}");
            return null;
        }
        return id;
    }

    private static string KindName(string kind) => kind.ToLowerInvariant() switch
    {
        "department" => "政府部门",
        "party" => "民主党派",
        "government" => "政府办",
        _ => kind,
    };

    private static string Label(string name, FieldDefinition field) => field.Label ?? name;

    public static void AddError(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        list.Add(message);
    }

    public static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
