using System.Globalization;
using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Execution;

public static partial class WorkflowEngine
{
    /// <summary>The history's action id for deadlines counted again on a calendar loaded after they were set.</summary>
    public const string RecomputeDeadlinesAction = "recompute-deadlines";

    /// <summary>
    /// Counts the deadlines of the item's open tasks again on <paramref name="context"/>'s calendar, each from the day the
    /// task was opened, as it was counted then. A task whose deadline has not passed, that lies (before or after) in one of
    /// <paramref name="years"/> and comes out different is closed and opened again with the new deadline and its reminders;
    /// the state stays. Returns null when no deadline changes, so an item that needs nothing is left alone.
    /// </summary>
    public static Transition? RecomputeDeadlines(WorkflowDefinition definition, ProposalInstance instance, Actor actor, EngineContext context, IReadOnlySet<int> years)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(years);
        var step = new Step(definition, instance, actor, context);
        var (closed, opened, changes) = step.Recount(years);
        if (closed.Count == 0)
        {
            return null;
        }
        var after = instance with { Version = instance.Version + 1 };
        var data = new JsonObject
        {
            ["years"] = new JsonArray(years.Order().Select(y => (JsonNode)y).ToArray()),
            ["tasks"] = new JsonArray(changes.Select(c => (JsonNode)new JsonObject
            {
                ["taskId"] = c.TaskId,
                ["organizationId"] = c.OrganizationId,
                ["from"] = c.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["to"] = c.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }).ToArray()),
        };
        var comment = $"按新导入的 {string.Join("、", years.Order())} 年工作日历重新计算办理期限";
        var audit = new AuditEntry(RecomputeDeadlinesAction, instance.State, instance.State, actor.UserId, actor.DisplayName, actor.OrganizationId, comment, data);
        return new Transition(instance, after, audit, opened, closed, step.NotifyDeadlineMoved(after, opened, changes));
    }

    private sealed record DeadlineChange(string TaskId, long OrganizationId, DateOnly From, DateOnly To);

    private sealed partial class Step
    {
        public (List<TaskClosing> Closed, List<TaskOpening> Opened, List<DeadlineChange> Changes) Recount(IReadOnlySet<int> years)
        {
            var closed = new List<TaskClosing>();
            var opened = new List<TaskOpening>();
            var changes = new List<DeadlineChange>();
            foreach (var open in before.OpenTasks)
            {
                var task = definition.Tasks.FirstOrDefault(t => t.Id == open.TaskId);
                if (task is null || open.DueDate is not { } old)
                {
                    continue;
                }
                var clock = context.ClockFor(open.OrganizationId);
                // A deadline already passed has had its notices; moving it now would unsay them.
                if (clock.OverdueAt(old) <= context.Now)
                {
                    continue;
                }
                var recounted = DueDate(task, before, open.OrganizationId, open.Subject, clock.LocalDate(open.OpenedAt));
                if (recounted is not { } due || due == old || !(years.Contains(old.Year) || years.Contains(due.Year)))
                {
                    continue;
                }
                closed.Add(new TaskClosing(open.Id, open.TaskId, open.OrganizationId, RecomputeDeadlinesAction));
                opened.Add(Open(task, open.OrganizationId, open.Subject, before, open.OpenedAt));
                changes.Add(new DeadlineChange(open.TaskId, open.OrganizationId, old, due));
            }
            return (closed, opened, changes);
        }

        public List<NotificationMessage> NotifyDeadlineMoved(ProposalInstance item, IReadOnlyList<TaskOpening> opened, IReadOnlyList<DeadlineChange> changes)
        {
            var messages = new List<NotificationMessage>();
            foreach (var (task, change) in opened.Zip(changes))
            {
                foreach (var recipient in Audience(Resolve([Recipients.Assignee], definition.Task(task.TaskId), task.OrganizationId, item, []), item))
                {
                    messages.Add(new NotificationMessage(recipient, "deadline-changed", $"办理期限调整：{task.Name}",
                        $"《{item.Title}》的“{task.Name}”按新导入的工作日历重新计算，办理期限由 {change.From:yyyy-MM-dd} 改为 {change.To:yyyy-MM-dd}。"));
                }
            }
            return messages;
        }
    }
}
