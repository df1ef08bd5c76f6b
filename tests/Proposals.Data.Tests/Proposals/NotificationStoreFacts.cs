using Proposals.Data.Proposals;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Proposals;

/// <summary>The in-app inbox: a notification reaches the organisation (or kind) it names and, if it names a role, only that role.</summary>
public abstract class NotificationStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Monday = TestCity.Monday;

    /// <summary>One notification per recipient, queued with a new draft; the titles say whom each is for.</summary>
    private async Task<(TestCity City, NotificationStore Store, IReadOnlyDictionary<string, long> Ids)> ArrangeAsync()
    {
        var city = await TestCity.CreateAsync(Database);
        var recipients = new (string Title, Recipient Recipient)[]
        {
            ("to party A", new Recipient(city.PartyA, null, null)),
            ("to party A admins", new Recipient(city.PartyA, null, Roles.PartyAdmin)),
            ("to party A departments", new Recipient(city.PartyA, null, Roles.Department)),
            ("to party B", new Recipient(city.PartyB, null, null)),
            ("to every party", new Recipient(null, OrganizationKind.Party, null)),
            ("to the committee", new Recipient(null, OrganizationKind.Committee, Roles.Committee)),
            ("to the government", new Recipient(null, OrganizationKind.Government, Roles.Government)),
        };
        var start = WorkflowEngine.Start(TestCity.Definition, city.PartyAMember.Actor, new NewProposal(city.PartyA, null, null, "通知测试", "", ""), await city.ContextAsync(Monday)).Transition!;
        start = start with { Notifications = recipients.Select(r => new NotificationMessage(r.Recipient, "test", r.Title, $"body of {r.Title}")).ToList() };
        await city.Proposals.CreateAsync(TestCity.Definition, start, "", "", 2025, Monday, CancellationToken.None);
        var store = new NotificationStore(Database);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (title, _) in recipients)
        {
            ids[title] = await ScalarAsync<long>("SELECT id FROM notifications WHERE title = @title", new { title });
        }
        return (city, store, ids);
    }

    private static async Task<IReadOnlyList<string>> TitlesAsync(NotificationStore store, Member member, bool unreadOnly = false) =>
        (await store.ForViewerAsync(member.Viewer, unreadOnly, 100, CancellationToken.None)).Select(n => n.Title).ToList();

    [SkippableFact]
    public async Task ForViewerAsync_gives_a_party_member_what_names_its_party_or_every_party_without_another_role_newest_first()
    {
        var (city, store, _) = await ArrangeAsync();

        Assert.Equal(["to every party", "to party A"], await TitlesAsync(store, city.PartyAMember));
        Assert.Equal(["to every party", "to party A admins", "to party A"], await TitlesAsync(store, city.PartyAAdmin));
        Assert.Equal(["to every party", "to party B"], await TitlesAsync(store, city.PartyBMember));
    }

    [SkippableFact]
    public async Task ForViewerAsync_gives_a_kind_addressed_notification_to_that_kind_with_that_role_only()
    {
        var (city, store, _) = await ArrangeAsync();
        var committeeWithoutRole = await city.UserAsync("committee.no-role", (city.Committee.OrganizationId, OrganizationKind.Committee));

        Assert.Equal(["to the committee"], await TitlesAsync(store, city.Committee));
        Assert.Equal(["to the government"], await TitlesAsync(store, city.Government));
        Assert.Empty(await TitlesAsync(store, city.Supervisor));
        Assert.Empty(await TitlesAsync(store, city.DepartmentX));
        Assert.Empty(await TitlesAsync(store, committeeWithoutRole));
    }

    [SkippableFact]
    public async Task ForViewerAsync_gives_a_viewer_without_roles_only_what_names_no_role()
    {
        var (city, store, _) = await ArrangeAsync();
        var noRoles = await city.UserAsync("party-a.no-role", (city.PartyA, OrganizationKind.Party));

        Assert.Equal(["to every party", "to party A"], await TitlesAsync(store, noRoles));
    }

    [SkippableFact]
    public async Task ForViewerAsync_keeps_to_the_limit_with_the_newest()
    {
        var (city, store, ids) = await ArrangeAsync();

        var newest = Assert.Single(await store.ForViewerAsync(city.PartyAAdmin.Viewer, unreadOnly: false, 1, CancellationToken.None));

        Assert.Equal(ids["to every party"], newest.Id);
        Assert.Equal(("test", "body of to every party", Monday, false), (newest.Kind, newest.Body, newest.CreatedAt, newest.Read));
        Assert.NotNull(newest.ProposalId);
    }

    [SkippableFact]
    public async Task MarkReadAsync_marks_once_and_the_notification_is_no_longer_unread_for_that_user_only()
    {
        var (city, store, ids) = await ArrangeAsync();

        Assert.Equal(1, await store.MarkReadAsync(city.PartyAMember.Viewer, [ids["to party A"]], Monday.AddHours(1), CancellationToken.None));
        Assert.Equal(0, await store.MarkReadAsync(city.PartyAMember.Viewer, [ids["to party A"], ids["to party A"]], Monday.AddHours(2), CancellationToken.None));

        Assert.Equal(["to every party"], await TitlesAsync(store, city.PartyAMember, unreadOnly: true));
        var all = await store.ForViewerAsync(city.PartyAMember.Viewer, unreadOnly: false, 100, CancellationToken.None);
        Assert.Equal([("to every party", false), ("to party A", true)], all.Select(n => (n.Title, n.Read)));
        Assert.Contains("to party A", await TitlesAsync(store, city.PartyAAdmin, unreadOnly: true));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM notification_reads"));
    }

    [SkippableFact]
    public async Task MarkReadAsync_of_notifications_meant_for_others_marks_nothing()
    {
        var (city, store, ids) = await ArrangeAsync();

        var marked = await store.MarkReadAsync(city.PartyAMember.Viewer,
            [ids["to party B"], ids["to party A admins"], ids["to the committee"], 404_404], Monday.AddHours(1), CancellationToken.None);

        Assert.Equal(0, marked);
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM notification_reads"));
        Assert.All(await store.ForViewerAsync(city.PartyBMember.Viewer, unreadOnly: false, 100, CancellationToken.None), n => Assert.False(n.Read));
    }
}
