using Proposals.Data.Tests.Migrations;

namespace Proposals.Data.Tests.Providers;

// Every suite on SQLite. A database joins with its provider and one line per suite, as here.

public sealed class SqliteMigrationFacts(SqliteProvider provider) : MigrationFacts(provider), IClassFixture<SqliteProvider>;
