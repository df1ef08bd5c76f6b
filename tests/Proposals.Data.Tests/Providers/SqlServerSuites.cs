using Proposals.Data.Tests.Calendar;
using Proposals.Data.Tests.Migrations;
using Proposals.Data.Tests.Organizations;
using Proposals.Data.Tests.Proposals;
using Proposals.Data.Tests.Reminders;
using Proposals.Data.Tests.Topics;
using Proposals.Data.Tests.Workflows;

namespace Proposals.Data.Tests.Providers;

// Every suite on SQL Server, when PROPOSALS_TEST_SQLSERVER names one; skipped with the reason otherwise.

public sealed class SqlServerMigrationFacts(SqlServerProvider provider) : MigrationFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerOrganizationStoreFacts(SqlServerProvider provider) : OrganizationStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerUserStoreFacts(SqlServerProvider provider) : UserStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerSignInAttemptStoreFacts(SqlServerProvider provider) : SignInAttemptStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerCalendarStoreFacts(SqlServerProvider provider) : CalendarStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerWorkflowStoreFacts(SqlServerProvider provider) : WorkflowStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerTopicStoreFacts(SqlServerProvider provider) : TopicStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerProposalStoreFacts(SqlServerProvider provider) : ProposalStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerProposalQueryFacts(SqlServerProvider provider) : ProposalQueryFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerNotificationStoreFacts(SqlServerProvider provider) : NotificationStoreFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerProposalConcurrencyFacts(SqlServerProvider provider) : ProposalConcurrencyFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerClaimFacts(SqlServerProvider provider) : ClaimFacts(provider), IClassFixture<SqlServerProvider>;

public sealed class SqlServerHistoryVerifierFacts(SqlServerProvider provider) : HistoryVerifierFacts(provider), IClassFixture<SqlServerProvider>;
