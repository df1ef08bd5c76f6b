using System.Text.Json;
using System.Text.Json.Nodes;

namespace Proposals.Engine.Execution;

/// <summary>A file uploaded to the item, as the engine needs it to bind it to an action.</summary>
public sealed record AttachmentInfo(long Id, string FileName, long Size, string Sha256, long OrganizationId, bool Bound);

/// <summary>
/// Every action's data may name files of the item in <c>attachmentIds</c>. The engine checks them and writes each file's
/// name, size and SHA-256 into the event's data (as <c>attachments</c>), so that the hash chain also covers the files.
/// </summary>
internal static class AttachmentBinding
{
    public const string Field = "attachmentIds";
    public const string RecordedField = "attachments";
    public const int MaxPerAction = 20;

    /// <summary>The ids to bind; adds <c>attachments</c> to <paramref name="normalised"/>, or field errors.</summary>
    public static IReadOnlyList<long> Normalise(JsonObject? data, Actor actor, EngineContext context, JsonObject normalised, Dictionary<string, List<string>> errors)
    {
        const string path = "data." + Field;
        if (data?[Field] is not { } node)
        {
            return [];
        }
        if (node is not JsonArray array)
        {
            ActionData.AddError(errors, path, "附件应为附件编号的数组");
            return [];
        }
        if (array.Count > MaxPerAction)
        {
            ActionData.AddError(errors, path, $"一次最多提交 {MaxPerAction} 个附件，实际 {array.Count} 个");
            return [];
        }
        var known = context.Attachments.ToDictionary(a => a.Id);
        var ids = new List<long>();
        var recorded = new JsonArray();
        foreach (var item in array)
        {
            if (item is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var id) || id <= 0)
            {
                ActionData.AddError(errors, path, "附件编号应为正整数");
                continue;
            }
            if (ids.Contains(id))
            {
                ActionData.AddError(errors, path, $"附件 {id} 重复");
                continue;
            }
            ids.Add(id);
            if (!known.TryGetValue(id, out var file))
            {
                ActionData.AddError(errors, path, $"附件 {id} 不是此件的附件");
            }
            else if (file.Bound)
            {
                ActionData.AddError(errors, path, $"附件“{file.FileName}”已随其他操作提交，不能再次提交");
            }
            else if (file.OrganizationId != actor.OrganizationId)
            {
                ActionData.AddError(errors, path, $"附件“{file.FileName}”由其他单位上传，只能提交本单位上传的附件");
            }
            else
            {
                recorded.Add(new JsonObject { ["id"] = file.Id, ["fileName"] = file.FileName, ["size"] = file.Size, ["sha256"] = file.Sha256 });
            }
        }
        if (recorded.Count > 0 && !errors.ContainsKey(path))
        {
            normalised[RecordedField] = recorded;
        }
        return errors.ContainsKey(path) ? [] : ids;
    }
}
