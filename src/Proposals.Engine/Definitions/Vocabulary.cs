namespace Proposals.Engine.Definitions;

/// <summary>The roles people hold; actions and tasks name them.</summary>
public static class Roles
{
    public const string Committee = "committee";
    public const string PartyMember = "party-member";
    public const string PartyAdmin = "party-admin";
    public const string Government = "government";
    public const string Department = "department";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Committee, PartyMember, PartyAdmin, Government, Department, Supervisor, Admin,
    };
}

/// <summary>Whose item it must be for the caller to act: the engine checks the caller's organisation against the item.</summary>
public static class Scopes
{
    public const string Any = "any";
    public const string OwnParty = "own-party";
    public const string AssignedDepartment = "assigned-department";
    public const string LeadDepartment = "lead-department";
    public const string CoDepartment = "co-department";
    public const string InvitedParty = "invited-party";
    public const string CosigningParty = "cosigning-party";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Any, OwnParty, AssignedDepartment, LeadDepartment, CoDepartment, InvitedParty, CosigningParty,
    };
}

/// <summary>Who a task is for, computed from the item when it enters a state.</summary>
public static class Assignees
{
    public const string Party = "party";
    public const string Government = "government";
    public const string UnsignedDepartments = "unsigned-departments";
    public const string CoDepartmentsWithoutOpinion = "co-departments-without-opinion";
    public const string LeadDepartment = "lead-department";

    /// <summary>One task for each open milestone of the current plan, owed by the lead department.</summary>
    public const string Milestones = "milestones";

    /// <summary>One task for each commitment not yet fulfilled, owed by the department that made it.</summary>
    public const string OpenCommitments = "open-commitments";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Party, Government, UnsignedDepartments, CoDepartmentsWithoutOpinion, LeadDepartment, Milestones, OpenCommitments,
    };
}

/// <summary>Conditions under which a task of a state is open at all.</summary>
public static class TaskConditions
{
    public const string ExtensionPending = "extension-pending";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { ExtensionPending };
}

/// <summary>Dates of the item a task deadline can be counted from.</summary>
public static class DeadlineSources
{
    public const string TopicDeadline = "topic-deadline";
    public const string ItemDeadline = "item-deadline";

    /// <summary>The due date of what the task is about: its milestone, or its commitment.</summary>
    public const string SubjectDue = "subject-due";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        TopicDeadline, ItemDeadline, SubjectDue,
    };
}

/// <summary>Who a reminder or notification goes to.</summary>
public static class Recipients
{
    public const string Assignee = "assignee";
    public const string PartyAdmin = "party-admin";
    public const string PartyMember = "party-member";
    public const string Committee = "committee";
    public const string Government = "government";
    public const string Supervisor = "supervisor";
    public const string LeadDepartment = "lead-department";
    public const string AssignedDepartments = "assigned-departments";
    public const string TaskAssignees = "task-assignees";
    public const string InvitedParties = "invited-parties";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Assignee, PartyAdmin, PartyMember, Committee, Government, Supervisor, LeadDepartment, AssignedDepartments, TaskAssignees, InvitedParties,
    };
}

/// <summary>Named preconditions an action can require beyond its state, role and scope.</summary>
public static class Guards
{
    public const string ActorNotSigned = "actor-not-signed";
    public const string ActorSigned = "actor-signed";
    public const string ActorOpinionNotGiven = "actor-opinion-not-given";
    public const string AllSigned = "all-signed";
    public const string AllOpinionsGiven = "all-opinions-given";
    public const string ExtensionPending = "extension-pending";
    public const string NoExtensionPending = "no-extension-pending";
    public const string KeyFlagged = "key-flagged";
    public const string NotKeyFlagged = "not-key-flagged";
    public const string NoOpenInvitation = "no-open-invitation";
    public const string ActorNotEvaluatedAsCosigner = "actor-not-evaluated-as-cosigner";

    /// <summary>The lead department recorded its contact with the proposing party in this round (沟通联系).</summary>
    public const string ContactRecorded = "contact-recorded";

    /// <summary>The item is in its second round or a later one.</summary>
    public const string LaterRound = "later-round";

    /// <summary>The caller's department has a commitment still open on the item.</summary>
    public const string ActorHasOpenCommitment = "actor-has-open-commitment";

    /// <summary>The lead department has a plan whose milestones are not all completed.</summary>
    public const string OpenMilestone = "open-milestone";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ActorNotSigned, ActorSigned, ActorOpinionNotGiven, AllSigned, AllOpinionsGiven,
        ExtensionPending, NoExtensionPending, KeyFlagged, NotKeyFlagged, NoOpenInvitation, ActorNotEvaluatedAsCosigner,
        ContactRecorded, LaterRound, ActorHasOpenCommitment, OpenMilestone,
    };
}

/// <summary>Named changes an action makes to the item beyond its state.</summary>
public static class Effects
{
    public const string AssignDepartments = "assign-departments";
    public const string Sign = "sign";
    public const string ReturnAssignment = "return-assignment";
    public const string RecordOpinion = "record-opinion";
    public const string RequestExtension = "request-extension";
    public const string GrantExtension = "grant-extension";
    public const string RefuseExtension = "refuse-extension";
    public const string FlagKey = "flag-key";
    public const string UnflagKey = "unflag-key";
    public const string NextRound = "next-round";
    public const string Revise = "revise";
    public const string InviteCosigner = "invite-cosigner";
    public const string AcceptCosign = "accept-cosign";
    public const string DeclineCosign = "decline-cosign";
    public const string EvaluateAsCosigner = "evaluate-as-cosigner";

    /// <summary>A new plan replaces the current one: its open milestones are cancelled, the new ones numbered on.</summary>
    public const string Plan = "plan";
    public const string CompleteMilestone = "complete-milestone";

    /// <summary>Keeps the percentage the data gives, when it gives one, as the item's progress.</summary>
    public const string RecordPercent = "record-percent";

    /// <summary>Notes that the lead department spoke with the party in this round.</summary>
    public const string RecordContact = "record-contact";

    /// <summary>A reply that promises a solution by a date (B-class) leaves a commitment behind it.</summary>
    public const string RecordCommitment = "record-commitment";
    public const string FulfilCommitment = "fulfil-commitment";

    /// <summary>The co-departments' earlier opinions no longer count: each is asked again.</summary>
    public const string AskFreshOpinions = "ask-fresh-opinions";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        AssignDepartments, Sign, ReturnAssignment, RecordOpinion, RequestExtension, GrantExtension,
        RefuseExtension, FlagKey, UnflagKey, NextRound, Revise, InviteCosigner, AcceptCosign, DeclineCosign, EvaluateAsCosigner,
        Plan, CompleteMilestone, RecordPercent, RecordContact, RecordCommitment, FulfilCommitment, AskFreshOpinions,
    };
}

/// <summary>Types an action's data field can have.</summary>
public static class FieldTypes
{
    public const string Text = "text";
    public const string Bool = "bool";
    public const string Date = "date";
    public const string WholeNumber = "integer";
    public const string Choice = "choice";
    public const string Organization = "organization";
    public const string OrganizationList = "organization-list";

    /// <summary>A plan's milestones: [{title, dueDate}], between min and max of them.</summary>
    public const string MilestoneList = "milestone-list";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Text, Bool, Date, WholeNumber, Choice, Organization, OrganizationList, MilestoneList,
    };
}

/// <summary>
/// The ids of the proposal chain that clients, pages and tests rely on (process.md). A version of the chain may
/// add states and actions but never drop or rename these.
/// </summary>
public static class CanonicalChain
{
    public const string WorkflowId = "proposal-chain";

    public static IReadOnlyList<string> Stages { get; } = ["research", "adoption", "implementation", "feedback"];

    public static IReadOnlyList<string> States { get; } =
    [
        "draft", "party-review", "government-review", "implementation", "reassignment", "evaluation",
        "closed", "closed-reference", "closed-not-adopted",
    ];

    public static IReadOnlyList<string> Actions { get; } =
    [
        "submit-for-review", "submit", "return-draft", "adopt", "keep-for-reference", "reject", "sign", "return-assignment",
        "reassign", "record-progress", "give-opinion", "request-extension", "grant-extension", "refuse-extension", "reply",
        "evaluate", "urge", "flag-key", "unflag-key",
    ];
}
