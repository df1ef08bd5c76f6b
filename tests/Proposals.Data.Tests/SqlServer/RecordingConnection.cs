using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Proposals.Data.Dialects;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>
/// Stands in for a SQL Server connection where none can run: it keeps the text of every command the stores
/// send with the names of the parameters it supplies and the store methods that sent it, answers writes with "one row changed" and reads with no rows, so that each statement can be parsed.
/// </summary>
internal sealed class RecordingConnection(List<RecordedStatement> statements, Func<string, object?>? answer = null) : DbConnection
{
    private ConnectionState _state = ConnectionState.Closed;

    [AllowNull]
    public override string ConnectionString { get; set; } = "";
    public override string Database => "recording";
    public override string DataSource => "recording";
    public override string ServerVersion => "16.0";
    public override ConnectionState State => _state;

    public override void ChangeDatabase(string databaseName) { }
    public override void Close() => _state = ConnectionState.Closed;
    public override void Open() => _state = ConnectionState.Open;
    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        Open();
        return Task.CompletedTask;
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new RecordingTransaction(this);
    protected override DbCommand CreateDbCommand() => new RecordingCommand(this, statements, answer);

    private sealed class RecordingTransaction(DbConnection connection) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;
        protected override DbConnection DbConnection => connection;
        public override void Commit() { }
        public override void Rollback() { }
    }

    private sealed class RecordingCommand(DbConnection connection, List<RecordedStatement> statements, Func<string, object?>? answer) : DbCommand
    {
        private readonly RecordingParameters _parameters = [];

        [AllowNull]
        public override string CommandText { get; set; } = "";
        public override int CommandTimeout { get; set; }
        public override CommandType CommandType { get; set; }
        public override bool DesignTimeVisible { get; set; }
        public override UpdateRowSource UpdatedRowSource { get; set; }
        protected override DbConnection? DbConnection { get; set; } = connection;
        protected override DbParameterCollection DbParameterCollection => _parameters;
        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel() { }
        public override void Prepare() { }
        protected override DbParameter CreateDbParameter() => new RecordingParameter();

        public override int ExecuteNonQuery()
        {
            Record();
            return answer?.Invoke(CommandText) is int rows ? rows : 1;
        }

        public override object? ExecuteScalar()
        {
            Record();
            return answer?.Invoke(CommandText) ?? 1L;
        }

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            Record();
            var table = new DataTable();
            if (answer?.Invoke(CommandText) is { } value)
            {
                table.Columns.Add("value", value.GetType());
                table.Rows.Add(value);
            }
            return table.CreateDataReader();
        }

        private void Record()
        {
            var statement = new RecordedStatement(CommandText, _parameters.Cast<DbParameter>().Select(p => p.ParameterName).ToList(), StoreCoverage.SendersOnStack());
            lock (statements)
            {
                statements.Add(statement);
            }
        }
    }

    private sealed class RecordingParameter : DbParameter
    {
        public override DbType DbType { get; set; }
        public override ParameterDirection Direction { get; set; }
        public override bool IsNullable { get; set; }
        [AllowNull]
        public override string ParameterName { get; set; } = "";
        public override int Size { get; set; }
        [AllowNull]
        public override string SourceColumn { get; set; } = "";
        public override bool SourceColumnNullMapping { get; set; }
        public override object? Value { get; set; }
        public override void ResetDbType() { }
    }

    private sealed class RecordingParameters : DbParameterCollection, IEnumerable<DbParameter>
    {
        private readonly List<DbParameter> _items = [];

        public override int Count => _items.Count;
        public override object SyncRoot => _items;
        public override int Add(object value)
        {
            _items.Add((DbParameter)value);
            return _items.Count - 1;
        }
        public override void AddRange(Array values)
        {
            foreach (var value in values)
            {
                Add(value!);
            }
        }
        public override void Clear() => _items.Clear();
        public override bool Contains(object value) => _items.Contains((DbParameter)value);
        public override bool Contains(string value) => _items.Any(p => p.ParameterName == value);
        public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);
        public override IEnumerator GetEnumerator() => _items.GetEnumerator();
        IEnumerator<DbParameter> IEnumerable<DbParameter>.GetEnumerator() => _items.GetEnumerator();
        public override int IndexOf(object value) => _items.IndexOf((DbParameter)value);
        public override int IndexOf(string parameterName) => _items.FindIndex(p => p.ParameterName == parameterName);
        public override void Insert(int index, object value) => _items.Insert(index, (DbParameter)value);
        public override void Remove(object value) => _items.Remove((DbParameter)value);
        public override void RemoveAt(int index) => _items.RemoveAt(index);
        public override void RemoveAt(string parameterName) => _items.RemoveAt(IndexOf(parameterName));
        protected override DbParameter GetParameter(int index) => _items[index];
        protected override DbParameter GetParameter(string parameterName) => _items[IndexOf(parameterName)];
        protected override void SetParameter(int index, DbParameter value) => _items[index] = value;
        protected override void SetParameter(string parameterName, DbParameter value) => _items[IndexOf(parameterName)] = value;
    }
}

/// <summary>The SQL Server dialect, spelling every statement as on SQL Server, over a recording connection.</summary>
internal sealed class RecordingSqlServerDialect(List<RecordedStatement> statements) : SqlDialect
{
    private readonly SqlServerDialect _sqlServer = new();

    /// <summary>What a scalar, or the one row of a read, answers to a statement; null: scalars answer 1 and reads no rows.</summary>
    public Func<string, object?>? Answer { get; set; }

    public override DbConnection CreateConnection(string connectionString) => new RecordingConnection(statements, Answer);
    public override string Normalise(string connectionString) => connectionString;
    public override string Paging => _sqlServer.Paging;
    public override string InsertReturningId(string table, string columns, string values) => _sqlServer.InsertReturningId(table, columns, values);
    public override string InList(string column, string parameter) => _sqlServer.InList(column, parameter);
    public override string ClaimBatch(string table, string due, string orderBy, IReadOnlyList<string> columns) => _sqlServer.ClaimBatch(table, due, orderBy, columns);
    public override string UpdateReturning(string table, string assignments, string where, IReadOnlyList<string> columns) => _sqlServer.UpdateReturning(table, assignments, where, columns);
    public override bool IsUniqueViolation(Exception exception) => _sqlServer.IsUniqueViolation(exception);
    public override bool IsTransient(Exception exception) => _sqlServer.IsTransient(exception);
    protected override string JsonTextOf(string column, string name) => _sqlServer.JsonText(column, name);
}

/// <summary>
/// One command as sent: its text, the parameters it supplied (null when not known) and the store methods on the
/// call stack when it was executed (Type.Method).
/// </summary>
internal sealed record RecordedStatement(string Sql, IReadOnlyList<string>? Parameters, IReadOnlyList<string> Senders);
