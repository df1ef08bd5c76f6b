using System.Text.Json.Serialization;
using Proposals.Engine.Calendar;

namespace Proposals.Engine.Definitions;

/// <summary>A published workflow: states grouped in stages, the tasks people wait on, and the actions that move an item.</summary>
public sealed record WorkflowDefinition
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string InitialState { get; init; }
    public required IReadOnlyList<StageDefinition> Stages { get; init; }
    public required IReadOnlyList<StateDefinition> States { get; init; }
    public IReadOnlyList<TaskDefinition> Tasks { get; init; } = [];
    public required IReadOnlyList<ActionDefinition> Actions { get; init; }

    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The state with this id, or null.</summary>
    public StateDefinition? FindState(string id) => States.FirstOrDefault(s => s.Id == id);

    /// <summary>The state with this id; the definition was validated, so a miss is a bug.</summary>
    public StateDefinition State(string id) => FindState(id) ?? throw new InvalidOperationException($"State '{id}' is not in {Id} v{Version}.");

    /// <summary>The task with this id; the definition was validated, so a miss is a bug.</summary>
    public TaskDefinition Task(string id) => Tasks.FirstOrDefault(t => t.Id == id) ?? throw new InvalidOperationException($"Task '{id}' is not in {Id} v{Version}.");

    /// <summary>The action with this id, or null.</summary>
    public ActionDefinition? FindAction(string id) => Actions.FirstOrDefault(a => a.Id == id);

    /// <summary>Whether the action can be taken from the state, before roles, guards and data are considered.</summary>
    public bool IsAvailableIn(ActionDefinition action, string state)
    {
        ArgumentNullException.ThrowIfNull(action);
        var definition = FindState(state);
        if (definition is null)
        {
            return false;
        }
        if (definition.Final)
        {
            return action.AlsoWhenClosed;
        }
        return action.FromAnyOpenState || action.From.Contains(state);
    }

    /// <summary>
    /// The states an item can reach from the start without ever leaving its party's hands: open states whose every task
    /// is the party's, and the final states entered straight from them (a draft abandoned or withdrawn before it was sent).
    /// An item in one of them, that was never anywhere else, is its party's business alone.
    /// </summary>
    public IReadOnlySet<string> PartyOnlyStates()
    {
        bool HeldByParty(StateDefinition state) =>
            !state.Final && state.Tasks.Count > 0 && state.Tasks.All(id => Tasks.Any(t => t.Id == id && t.Assignee == Assignees.Party));

        var found = new HashSet<string>(StringComparer.Ordinal);
        var initial = FindState(InitialState);
        if (initial is null || !HeldByParty(initial))
        {
            return found;
        }
        var pending = new Queue<StateDefinition>([initial]);
        found.Add(initial.Id);
        while (pending.TryDequeue(out var state))
        {
            var targets = Actions
                .Where(a => !a.FromAnyOpenState && a.From.Contains(state.Id))
                .SelectMany(a => a.Branches.Select(b => b.To).Append(a.To))
                .OfType<string>();
            foreach (var target in targets.Select(FindState).OfType<StateDefinition>())
            {
                if ((target.Final || HeldByParty(target)) && found.Add(target.Id) && !target.Final)
                {
                    pending.Enqueue(target);
                }
            }
        }
        return found;
    }
}

/// <summary>One of the chain's stages; several states can share one.</summary>
public sealed record StageDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? NameEn { get; init; }
}

/// <summary>Where an item can be. A final state closes the item; the tasks listed open on entry.</summary>
public sealed record StateDefinition
{
    public required string Id { get; init; }
    public required string Stage { get; init; }
    public required string Name { get; init; }
    public string? NameEn { get; init; }
    public bool Final { get; init; }
    public IReadOnlyList<string> Tasks { get; init; } = [];
}

/// <summary>Something an organisation owes while the item is in a state, with its deadline, reminders and escalation ladder.</summary>
public sealed record TaskDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Assignee { get; init; }
    public IReadOnlyList<string> Roles { get; init; } = [];
    public string? When { get; init; }
    public DeadlineRule? Deadline { get; init; }
    public IReadOnlyList<ReminderRule> Reminders { get; init; } = [];
    public IReadOnlyList<EscalationRung> Escalation { get; init; } = [];

    /// <summary>
    /// Whether a task opened after some of its reminder moments still gets one reminder at once, for the latest of them.
    /// Null (left out, so existing definitions serialise unchanged) means yes.
    /// </summary>
    public bool? CatchUpReminders { get; init; }

    /// <summary>
    /// A standing task is owed in every state, final ones included, for as long as its assignee names someone (a commitment
    /// outlives the item's closing). No state lists it.
    /// </summary>
    public bool Standing { get; init; }
}

/// <summary>How a task's due date is found: a span after it opens, or a date of the item shifted by an offset.</summary>
public sealed record DeadlineRule
{
    public string? After { get; init; }
    public string? From { get; init; }
    public string? Offset { get; init; }

    [JsonIgnore]
    public Duration? AfterDuration => Parse(After);

    [JsonIgnore]
    public Duration? OffsetDuration => Parse(Offset);

    internal static Duration? Parse(string? text) => Duration.TryParse(text, out var d) ? d : null;
}

/// <summary>A reminder sent a span before the due date, to the task's assignee unless told otherwise.</summary>
public sealed record ReminderRule
{
    public required string Before { get; init; }
    public IReadOnlyList<string> Notify { get; init; } = ["assignee"];

    [JsonIgnore]
    public Duration BeforeDuration => DeadlineRule.Parse(Before) ?? default;
}

/// <summary>A rung of the ladder after the due date (三色督办): fires once when still unanswered, then optionally repeats.</summary>
public sealed record EscalationRung
{
    public required string Level { get; init; }
    public required string After { get; init; }
    public required IReadOnlyList<string> Notify { get; init; }
    public string? Repeat { get; init; }
    public bool FlagKey { get; init; }

    [JsonIgnore]
    public Duration AfterDuration => DeadlineRule.Parse(After) ?? default;
}

/// <summary>Something a person does to an item.</summary>
public sealed record ActionDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? NameEn { get; init; }
    public IReadOnlyList<string> From { get; init; } = [];
    public bool FromAnyOpenState { get; init; }
    public string? To { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Narrower roles in some of the action's states (a member revises a draft; only the admin revises under review).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? RolesIn { get; init; }

    public string Scope { get; init; } = Scopes.Any;
    public IReadOnlyDictionary<string, FieldDefinition> Data { get; init; } = new Dictionary<string, FieldDefinition>();
    public IReadOnlyList<string> Guards { get; init; } = [];
    public IReadOnlyList<string> Effects { get; init; } = [];
    public ItemDeadlineRule? ItemDeadline { get; init; }
    public IReadOnlyList<BranchDefinition> Branches { get; init; } = [];
    public IReadOnlyList<string> Notify { get; init; } = [];

    /// <summary>Whether the action may also be taken once the item is closed (fulfilling a commitment); it never moves the item.</summary>
    public bool AlsoWhenClosed { get; init; }

    /// <summary>The roles that may take the action in a state.</summary>
    public IReadOnlyList<string> RolesInState(string state) => RolesIn is not null && RolesIn.TryGetValue(state, out var narrower) ? narrower : Roles;
}

/// <summary>A field of an action's data and what makes it valid.</summary>
public sealed record FieldDefinition
{
    public required string Type { get; init; }
    public bool Required { get; init; }
    public FieldCondition? RequiredWhen { get; init; }
    public int? MaxLength { get; init; }
    public IReadOnlyList<string> Values { get; init; } = [];
    public string? Kind { get; init; }
    public int? Min { get; init; }
    public int? Max { get; init; }
    public string? Label { get; init; }
}

/// <summary>True when a field of the same data equals a value.</summary>
public sealed record FieldCondition
{
    public required string Field { get; init; }

    [JsonPropertyName("equals")]
    public required string EqualsValue { get; init; }
}

/// <summary>A different target (and item deadline) when the data says so; the first that matches wins.</summary>
public sealed record BranchDefinition
{
    public required FieldCondition When { get; init; }
    public required string To { get; init; }
    public ItemDeadlineRule? ItemDeadline { get; init; }
    public IReadOnlyList<string> Effects { get; init; } = [];
}

/// <summary>How an action sets the item's own deadline: a date in the data, else a span from now.</summary>
public sealed record ItemDeadlineRule
{
    public string? After { get; init; }
    public string? FromData { get; init; }

    [JsonIgnore]
    public Duration? AfterDuration => DeadlineRule.Parse(After);
}
