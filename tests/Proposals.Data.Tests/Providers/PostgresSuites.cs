using Proposals.Data.Tests.Calendar;
using Proposals.Data.Tests.Migrations;
using Proposals.Data.Tests.Organizations;
using Proposals.Data.Tests.Proposals;
using Proposals.Data.Tests.Reminders;
using Proposals.Data.Tests.Retention;
using Proposals.Data.Tests.Topics;
using Proposals.Data.Tests.Workflows;

namespace Proposals.Data.Tests.Providers;

// Every suite on PostgreSQL, skipped with the reason when no server is reachable.

public sealed class PostgresMigrationFacts(PostgresProvider provider) : MigrationFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresOrganizationStoreFacts(PostgresProvider provider) : OrganizationStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresUserStoreFacts(PostgresProvider provider) : UserStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresSignInAttemptStoreFacts(PostgresProvider provider) : SignInAttemptStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresCalendarStoreFacts(PostgresProvider provider) : CalendarStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresWorkflowStoreFacts(PostgresProvider provider) : WorkflowStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresTopicStoreFacts(PostgresProvider provider) : TopicStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresProposalStoreFacts(PostgresProvider provider) : ProposalStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresProposalQueryFacts(PostgresProvider provider) : ProposalQueryFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresNotificationStoreFacts(PostgresProvider provider) : NotificationStoreFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresProposalConcurrencyFacts(PostgresProvider provider) : ProposalConcurrencyFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresClaimFacts(PostgresProvider provider) : ClaimFacts(provider), IClassFixture<PostgresProvider>;

public sealed class PostgresHistoryVerifierFacts(PostgresProvider provider) : HistoryVerifierFacts(provider), IClassFixture<PostgresProvider>;
public sealed class PostgresRetentionStoreFacts(PostgresProvider provider) : RetentionStoreFacts(provider), IClassFixture<PostgresProvider>;
