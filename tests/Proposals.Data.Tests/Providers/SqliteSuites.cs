using Proposals.Data.Tests.Calendar;
using Proposals.Data.Tests.Migrations;
using Proposals.Data.Tests.Organizations;
using Proposals.Data.Tests.Proposals;
using Proposals.Data.Tests.Reminders;
using Proposals.Data.Tests.Retention;
using Proposals.Data.Tests.Topics;
using Proposals.Data.Tests.Workflows;

namespace Proposals.Data.Tests.Providers;

// Every suite on SQLite. A database joins with its provider and one line per suite, as here.

public sealed class SqliteMigrationFacts(SqliteProvider provider) : MigrationFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteOrganizationStoreFacts(SqliteProvider provider) : OrganizationStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteUserStoreFacts(SqliteProvider provider) : UserStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteSignInAttemptStoreFacts(SqliteProvider provider) : SignInAttemptStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteCalendarStoreFacts(SqliteProvider provider) : CalendarStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteWorkflowStoreFacts(SqliteProvider provider) : WorkflowStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteTopicStoreFacts(SqliteProvider provider) : TopicStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteProposalStoreFacts(SqliteProvider provider) : ProposalStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteProposalQueryFacts(SqliteProvider provider) : ProposalQueryFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteNotificationStoreFacts(SqliteProvider provider) : NotificationStoreFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteProposalConcurrencyFacts(SqliteProvider provider) : ProposalConcurrencyFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteClaimFacts(SqliteProvider provider) : ClaimFacts(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteHistoryVerifierFacts(SqliteProvider provider) : HistoryVerifierFacts(provider), IClassFixture<SqliteProvider>;
public sealed class SqliteRetentionStoreFacts(SqliteProvider provider) : RetentionStoreFacts(provider), IClassFixture<SqliteProvider>;
