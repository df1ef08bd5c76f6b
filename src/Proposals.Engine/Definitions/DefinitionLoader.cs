using System.Text.Json;
using System.Text.Json.Serialization;
using Proposals.Engine.Calendar;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Definitions;

/// <summary>A reason a definition file cannot be used: the file, the JSON path inside it and what is wrong.</summary>
public sealed record DefinitionError(string File, string Path, string Reason)
{
    public override string ToString() => $"{File}: {Path}: {Reason}";
}

/// <summary>The outcome of reading one definition file: the definition, or every error found in it.</summary>
public sealed record DefinitionLoadResult(WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors)
{
    public bool IsValid => Definition is not null && Errors.Count == 0;
}

/// <summary>Reads a workflow definition from JSON text and checks it completely before anyone may use it.</summary>
public static class DefinitionLoader
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // "tasks": null would otherwise reach the validator as a null list and throw instead of being reported.
        RespectNullableAnnotations = true,
    };

    /// <summary>Parses and validates <paramref name="json"/>, naming <paramref name="fileName"/> in every error.</summary>
    public static DefinitionLoadResult Parse(string fileName, string json)
    {
        WorkflowDefinition? definition;
        try
        {
            if (FindNullEntry(System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }), "$") is { } nullPath)
            {
                return new(null, [new DefinitionError(fileName, nullPath, "null where an entry was expected")]);
            }
            definition = JsonSerializer.Deserialize<WorkflowDefinition>(json, SerializerOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.Path ?? "$";
            var line = ex.LineNumber is { } l ? $" (line {l + 1})" : "";
            return new(null, [new DefinitionError(fileName, where, FirstSentence(ex.Message) + line)]);
        }
        if (definition is null)
        {
            return new(null, [new DefinitionError(fileName, "$", "the file holds no definition (null)")]);
        }
        var errors = DefinitionValidator.Validate(definition).Select(e => new DefinitionError(fileName, e.Path, e.Reason)).ToList();
        return new(errors.Count == 0 ? definition : null, errors);
    }

    // Lists and the data fields of an action hold entries, never null; the model would otherwise meet a null it cannot report.
    private static string? FindNullEntry(System.Text.Json.Nodes.JsonNode? node, string path)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null)
                    {
                        return $"{path}[{i}]";
                    }
                    if (FindNullEntry(array[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (value is null && path.EndsWith(".data", StringComparison.Ordinal))
                    {
                        return $"{path}.{name}";
                    }
                    if (FindNullEntry(value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The canonical JSON of a definition, stored with each published version.</summary>
    public static string Serialize(WorkflowDefinition definition) => JsonSerializer.Serialize(definition, SerializerOptions);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

internal static class DefinitionValidator
{
    internal sealed record Problem(string Path, string Reason);

    public static List<Problem> Validate(WorkflowDefinition d)
    {
        var problems = new List<Problem>();
        void Add(string path, string reason) => problems.Add(new Problem(path, reason));

        if (string.IsNullOrWhiteSpace(d.Id) || !IsIdentifier(d.Id))
        {
            Add("$.id", "the id must be lower-case letters, digits and hyphens");
        }
        if (d.Version < 1)
        {
            Add("$.version", "the version must be a whole number of 1 or more");
        }
        if (d.States is null || d.Stages is null || d.Actions is null)
        {
            Add("$", "stages, states and actions are all required");
            return problems;
        }

        var stageIds = CheckUnique(d.Stages.Select(s => s.Id).ToList(), "$.stages", Add);
        var stateIds = CheckUnique(d.States.Select(s => s.Id).ToList(), "$.states", Add);
        var taskIds = CheckUnique(d.Tasks.Select(t => t.Id).ToList(), "$.tasks", Add);
        CheckUnique(d.Actions.Select(a => a.Id).ToList(), "$.actions", Add);

        if (!stateIds.Contains(d.InitialState))
        {
            Add("$.initialState", $"unknown state '{d.InitialState}'");
        }
        else if (d.State(d.InitialState).Final)
        {
            Add("$.initialState", $"the initial state '{d.InitialState}' is final");
        }

        for (var i = 0; i < d.States.Count; i++)
        {
            var state = d.States[i];
            var path = $"$.states[{i}]";
            if (!stageIds.Contains(state.Stage))
            {
                Add($"{path}.stage", $"unknown stage '{state.Stage}'");
            }
            if (state.Final && state.Tasks.Count > 0)
            {
                Add($"{path}.tasks", $"the final state '{state.Id}' cannot open tasks");
            }
            for (var t = 0; t < state.Tasks.Count; t++)
            {
                if (!taskIds.Contains(state.Tasks[t]))
                {
                    Add($"{path}.tasks[{t}]", $"unknown task '{state.Tasks[t]}'");
                }
                else if (d.Tasks.First(task => task.Id == state.Tasks[t]).Standing)
                {
                    Add($"{path}.tasks[{t}]", $"'{state.Tasks[t]}' is a standing task: it is owed in every state, and no state lists it");
                }
            }
        }

        for (var i = 0; i < d.Tasks.Count; i++)
        {
            ValidateTask(d.Tasks[i], $"$.tasks[{i}]", Add);
        }

        var finalStates = d.States.Where(s => s.Final).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < d.Actions.Count; i++)
        {
            ValidateAction(d.Actions[i], $"$.actions[{i}]", stateIds, finalStates, Add);
        }

        if (d.Id == CanonicalChain.WorkflowId)
        {
            CheckCanonicalIds(d, Add);
        }
        if (problems.Count == 0)
        {
            CheckReachability(d, Add);
        }
        return problems;
    }

    private static void ValidateTask(TaskDefinition task, string path, Action<string, string> add)
    {
        if (!Assignees.All.Contains(task.Assignee))
        {
            add($"{path}.assignee", $"unknown assignee '{task.Assignee}'; expected one of {string.Join(", ", Assignees.All)}");
        }
        CheckRoles(task.Roles, $"{path}.roles", add, allowEmpty: true);
        if (task.When is not null && !TaskConditions.All.Contains(task.When))
        {
            add($"{path}.when", $"unknown condition '{task.When}'");
        }
        var perSubject = task.Assignee is Assignees.Milestones or Assignees.OpenCommitments;
        if (task.Standing && task.Assignee != Assignees.OpenCommitments)
        {
            add($"{path}.standing", $"only a task of '{Assignees.OpenCommitments}' can be standing: other assignees end with their state");
        }
        if ((task.Deadline?.From == DeadlineSources.SubjectDue) != perSubject && task.Deadline is not null)
        {
            add($"{path}.deadline.from", perSubject
                ? $"a task of '{task.Assignee}' is due on its subject's date: use from '{DeadlineSources.SubjectDue}'"
                : $"'{DeadlineSources.SubjectDue}' is only for tasks of '{Assignees.Milestones}' or '{Assignees.OpenCommitments}'");
        }
        if (task.Deadline is { } deadline)
        {
            var hasAfter = deadline.After is not null;
            var hasFrom = deadline.From is not null;
            if (hasAfter == hasFrom)
            {
                add($"{path}.deadline", "give exactly one of 'after' (a span from when the task opens) or 'from' (a date of the item)");
            }
            CheckDuration(deadline.After, $"{path}.deadline.after", add, allowNegative: false);
            CheckDuration(deadline.Offset, $"{path}.deadline.offset", add, allowNegative: true);
            if (hasFrom && !DeadlineSources.All.Contains(deadline.From!))
            {
                add($"{path}.deadline.from", $"unknown date '{deadline.From}'; expected one of {string.Join(", ", DeadlineSources.All)}");
            }
        }
        else if (task.Reminders.Count > 0 || task.Escalation.Count > 0)
        {
            add($"{path}.deadline", "reminders and escalation need a deadline");
        }
        for (var r = 0; r < task.Reminders.Count; r++)
        {
            CheckDuration(task.Reminders[r].Before, $"{path}.reminders[{r}].before", add, allowNegative: false);
            CheckRecipients(task.Reminders[r].Notify, $"{path}.reminders[{r}].notify", add);
        }
        for (var e = 0; e < task.Escalation.Count; e++)
        {
            var rung = task.Escalation[e];
            CheckDuration(rung.After, $"{path}.escalation[{e}].after", add, allowNegative: false);
            CheckDuration(rung.Repeat, $"{path}.escalation[{e}].repeat", add, allowNegative: false);
            if (rung.Repeat is not null && DeadlineRule.Parse(rung.Repeat) is { Amount: 0 })
            {
                add($"{path}.escalation[{e}].repeat", "a repeat interval must be longer than zero");
            }
            CheckRecipients(rung.Notify, $"{path}.escalation[{e}].notify", add);
            if (string.IsNullOrWhiteSpace(rung.Level))
            {
                add($"{path}.escalation[{e}].level", "a rung needs a level name");
            }
            if (e > 0 && DeadlineRule.Parse(rung.After) is { } later && DeadlineRule.Parse(task.Escalation[e - 1].After) is { } earlier
                && later.Unit == earlier.Unit && later.Amount <= earlier.Amount)
            {
                add($"{path}.escalation[{e}].after", "rungs must come later one after another");
            }
        }
    }

    private static void ValidateAction(ActionDefinition action, string path, HashSet<string> stateIds, HashSet<string> finalStates, Action<string, string> add)
    {
        if (!IsIdentifier(action.Id))
        {
            add($"{path}.id", "an action id must be lower-case letters, digits and hyphens");
        }
        CheckRoles(action.Roles, $"{path}.roles", add, allowEmpty: false);
        foreach (var (state, roles) in action.RolesIn ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!action.From.Contains(state))
            {
                add($"{path}.rolesIn.{state}", $"'{state}' is not one of the states the action starts from");
            }
            CheckRoles(roles, $"{path}.rolesIn.{state}", add, allowEmpty: false);
            foreach (var role in roles.Where(r => !action.Roles.Contains(r)))
            {
                add($"{path}.rolesIn.{state}", $"'{role}' is not one of the action's roles; rolesIn can only narrow them");
            }
        }
        if (!Scopes.All.Contains(action.Scope))
        {
            add($"{path}.scope", $"unknown scope '{action.Scope}'; expected one of {string.Join(", ", Scopes.All)}");
        }
        if (action.From.Count == 0 && !action.FromAnyOpenState)
        {
            add($"{path}.from", "an action needs the states it starts from, or fromAnyOpenState");
        }
        if (action.AlsoWhenClosed && (action.To is not null || action.Branches.Count > 0 || action.ItemDeadline is not null))
        {
            add($"{path}.alsoWhenClosed", "an action taken on a closed item cannot move it or set its deadline: drop to, branches and itemDeadline");
        }
        for (var i = 0; i < action.From.Count; i++)
        {
            if (!stateIds.Contains(action.From[i]))
            {
                add($"{path}.from[{i}]", $"unknown state '{action.From[i]}'");
            }
            else if (finalStates.Contains(action.From[i]))
            {
                add($"{path}.from[{i}]", $"'{action.From[i]}' is final: no action may start from it");
            }
        }
        if (action.To is not null && !stateIds.Contains(action.To))
        {
            add($"{path}.to", $"unknown target state '{action.To}'");
        }
        for (var i = 0; i < action.Guards.Count; i++)
        {
            if (!Guards.All.Contains(action.Guards[i]))
            {
                add($"{path}.guards[{i}]", $"unknown guard '{action.Guards[i]}'; expected one of {string.Join(", ", Guards.All)}");
            }
        }
        CheckEffects(action.Effects, $"{path}.effects", add);
        CheckEffectData(action, path, add);
        CheckRecipients(action.Notify, $"{path}.notify", add);
        CheckItemDeadline(action.ItemDeadline, $"{path}.itemDeadline", action, add);

        foreach (var (name, field) in action.Data)
        {
            var fieldPath = $"{path}.data.{name}";
            if (!FieldTypes.All.Contains(field.Type))
            {
                add($"{fieldPath}.type", $"unknown field type '{field.Type}'; expected one of {string.Join(", ", FieldTypes.All)}");
            }
            if (field.Type == FieldTypes.Choice && field.Values.Count == 0)
            {
                add($"{fieldPath}.values", "a choice needs its values");
            }
            // The engine compares an organisation's kind by name when acting; a misspelt kind would refuse every id.
            if (field.Kind is not null && !Enum.GetNames<OrganizationKind>().Contains(field.Kind, StringComparer.OrdinalIgnoreCase))
            {
                add($"{fieldPath}.kind", $"unknown organisation kind '{field.Kind}'; expected one of {string.Join(", ", Enum.GetNames<OrganizationKind>().Select(n => n.ToLowerInvariant()))}");
            }
            if (field.MaxLength is <= 0)
            {
                add($"{fieldPath}.maxLength", "maxLength must be positive");
            }
            if (field.Min is { } min && field.Max is { } max && min > max)
            {
                add($"{fieldPath}.min", $"min ({min}) is greater than max ({max}): no value could pass");
            }
            if (field.RequiredWhen is { } when && !action.Data.ContainsKey(when.Field))
            {
                add($"{fieldPath}.requiredWhen.field", $"unknown field '{when.Field}'");
            }
        }

        for (var b = 0; b < action.Branches.Count; b++)
        {
            var branch = action.Branches[b];
            var branchPath = $"{path}.branches[{b}]";
            if (!stateIds.Contains(branch.To))
            {
                add($"{branchPath}.to", $"unknown target state '{branch.To}'");
            }
            if (!action.Data.ContainsKey(branch.When.Field))
            {
                add($"{branchPath}.when.field", $"unknown field '{branch.When.Field}'");
            }
            CheckEffects(branch.Effects, $"{branchPath}.effects", add);
            CheckItemDeadline(branch.ItemDeadline, $"{branchPath}.itemDeadline", action, add);
        }
    }

    private static void CheckItemDeadline(ItemDeadlineRule? rule, string path, ActionDefinition action, Action<string, string> add)
    {
        if (rule is null)
        {
            return;
        }
        if (rule.After is null && rule.FromData is null)
        {
            add(path, "give 'after', 'fromData' or both");
        }
        CheckDuration(rule.After, $"{path}.after", add, allowNegative: false);
        if (rule.FromData is not null && (!action.Data.TryGetValue(rule.FromData, out var field) || field.Type != FieldTypes.Date))
        {
            add($"{path}.fromData", $"'{rule.FromData}' is not a date field of this action");
        }
    }

    private static void CheckCanonicalIds(WorkflowDefinition d, Action<string, string> add)
    {
        foreach (var stage in CanonicalChain.Stages.Where(id => d.Stages.All(s => s.Id != id)))
        {
            add("$.stages", $"the proposal chain must keep the stage '{stage}' that clients rely on");
        }
        foreach (var state in CanonicalChain.States.Where(id => d.FindState(id) is null))
        {
            add("$.states", $"the proposal chain must keep the state '{state}' that clients rely on");
        }
        foreach (var action in CanonicalChain.Actions.Where(id => d.FindAction(id) is null))
        {
            add("$.actions", $"the proposal chain must keep the action '{action}' that clients rely on");
        }
    }

    private static void CheckReachability(WorkflowDefinition d, Action<string, string> add)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { d.InitialState };
        var queue = new Queue<string>([d.InitialState]);
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            foreach (var action in d.Actions.Where(a => d.IsAvailableIn(a, state)))
            {
                foreach (var target in action.Branches.Select(b => b.To).Append(action.To ?? state))
                {
                    if (reached.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }
        }
        for (var i = 0; i < d.States.Count; i++)
        {
            var state = d.States[i];
            if (!reached.Contains(state.Id))
            {
                add($"$.states[{i}]", $"state '{state.Id}' cannot be reached from '{d.InitialState}'");
            }
            else if (!state.Final && !d.Actions.Any(a => d.IsAvailableIn(a, state.Id) && (a.To is not null && a.To != state.Id || a.Branches.Any(b => b.To != state.Id))))
            {
                add($"$.states[{i}]", $"state '{state.Id}' is not final but no action leads out of it");
            }
        }
        if (!d.States.Any(s => s.Final))
        {
            add("$.states", "no state is final, so no item could ever close");
        }
    }

    private static HashSet<string> CheckUnique(List<string> ids, string path, Action<string, string> add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ids[i]))
            {
                add($"{path}[{i}].id", "an id is required");
            }
            else if (!seen.Add(ids[i]))
            {
                add($"{path}[{i}].id", $"duplicate id '{ids[i]}'");
            }
        }
        return seen;
    }

    private static void CheckRoles(IReadOnlyList<string> roles, string path, Action<string, string> add, bool allowEmpty)
    {
        if (roles.Count == 0 && !allowEmpty)
        {
            add(path, "an action needs at least one role that may take it");
        }
        for (var i = 0; i < roles.Count; i++)
        {
            if (!Roles.All.Contains(roles[i]))
            {
                add($"{path}[{i}]", $"unknown role '{roles[i]}'; expected one of {string.Join(", ", Roles.All)}");
            }
        }
    }

    private static void CheckRecipients(IReadOnlyList<string> recipients, string path, Action<string, string> add)
    {
        for (var i = 0; i < recipients.Count; i++)
        {
            if (!Recipients.All.Contains(recipients[i]))
            {
                add($"{path}[{i}]", $"unknown recipient '{recipients[i]}'; expected one of {string.Join(", ", Recipients.All)}");
            }
        }
    }

    private static void CheckEffects(IReadOnlyList<string> effects, string path, Action<string, string> add)
    {
        for (var i = 0; i < effects.Count; i++)
        {
            if (!Effects.All.Contains(effects[i]))
            {
                add($"{path}[{i}]", $"unknown effect '{effects[i]}'; expected one of {string.Join(", ", Effects.All)}");
            }
        }
    }

    // The data fields an effect reads, with the type it reads them as; an action whose data lacks one could never take effect.
    private static readonly Dictionary<string, (string Field, string Type, bool Required)[]> EffectFields = new(StringComparer.Ordinal)
    {
        [Effects.Plan] = [("milestones", FieldTypes.MilestoneList, true), ("text", FieldTypes.Text, true)],
        [Effects.CompleteMilestone] = [("milestoneId", FieldTypes.WholeNumber, true)],
        [Effects.RecordPercent] = [("percent", FieldTypes.WholeNumber, false)],
        [Effects.RecordContact] = [("contactDate", FieldTypes.Date, true)],
        [Effects.RecordCommitment] = [("commitmentDate", FieldTypes.Date, false)],
        [Effects.FulfilCommitment] = [("commitmentId", FieldTypes.WholeNumber, true), ("text", FieldTypes.Text, true)],
    };

    private static void CheckEffectData(ActionDefinition action, string path, Action<string, string> add)
    {
        foreach (var effect in action.Effects.Concat(action.Branches.SelectMany(b => b.Effects)).Distinct())
        {
            foreach (var (field, type, required) in EffectFields.GetValueOrDefault(effect) ?? [])
            {
                if (!action.Data.TryGetValue(field, out var definition) || definition.Type != type || (required && !definition.Required))
                {
                    add($"{path}.data.{field}", $"the effect '{effect}' reads {(required ? "a required" : "a")} {type} field '{field}'");
                }
            }
        }
    }

    private static void CheckDuration(string? text, string path, Action<string, string> add, bool allowNegative)
    {
        if (text is null)
        {
            return;
        }
        if (!Duration.TryParse(text, out var duration))
        {
            add(path, $"bad duration '{text}'; write a whole number and a unit: wd (working days), d, w or mo, as in 3wd or 20d");
        }
        else if (!allowNegative && duration.Amount < 0)
        {
            add(path, $"bad duration '{text}': it cannot be negative here");
        }
    }

    private static bool IsIdentifier(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && char.IsAsciiLetterLower(id[0]);
}
