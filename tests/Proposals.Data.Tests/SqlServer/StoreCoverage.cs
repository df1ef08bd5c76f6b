using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Proposals.Data.Dialects;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>
/// Which methods of Proposals.Data send SQL, found by reflection so that a new one cannot go unchecked on SQL Server:
/// <list type="bullet">
/// <item>the public and internal instance methods returning a task of every class built on a <see cref="Database"/>
/// (the stores, the history verifier): each opens its own connection or transaction through it;</item>
/// <item>the public and internal static methods anywhere in the assembly that take a <see cref="DbConnection"/> or
/// <see cref="DbTransaction"/> (helpers such as OutboxStore.InsertAsync, run inside another store's transaction).</item>
/// </list>
/// Private helpers are reached only through these, and the dialects only spell text, so neither is listed.
/// </summary>
internal static class StoreCoverage
{
    private static readonly Assembly DataAssembly = typeof(Database).Assembly;

    /// <summary>Every method that must have sent at least one recorded statement, as Type.Method.</summary>
    public static IReadOnlyList<string> MethodsThatSendSql()
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in DataAssembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && !IsGenerated(t) && !typeof(SqlDialect).IsAssignableFrom(t)))
        {
            var builtOnDatabase = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(Database)));
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.IsPrivate || method.IsSpecialName || IsGenerated(method) || method.DeclaringType != type)
                {
                    continue;
                }
                var takesConnection = method.GetParameters().Any(p => p.ParameterType == typeof(DbConnection) || p.ParameterType == typeof(DbTransaction));
                var sends = method.IsStatic ? takesConnection : builtOnDatabase && typeof(Task).IsAssignableFrom(method.ReturnType);
                if (sends)
                {
                    methods.Add($"{type.Name}.{method.Name}");
                }
            }
        }
        return [.. methods];
    }

    /// <summary>The methods of <see cref="MethodsThatSendSql"/> no recorded statement was sent by.</summary>
    public static IReadOnlyList<string> Unrecorded(IEnumerable<RecordedStatement> statements)
    {
        var senders = statements.SelectMany(s => s.Senders).ToHashSet(StringComparer.Ordinal);
        return MethodsThatSendSql().Where(m => !senders.Contains(m)).ToList();
    }

    /// <summary>
    /// The Proposals.Data methods on the current call stack, as Type.Method. The recording connection completes every
    /// call synchronously, so the whole chain of async callers is still on the stack when a command executes; an async
    /// method appears as its state machine's MoveNext and is mapped back to the method through its name.
    /// </summary>
    public static IReadOnlyList<string> SendersOnStack()
    {
        var senders = new List<string>();
        foreach (var frame in new StackTrace(false).GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null || type.Assembly != DataAssembly)
            {
                continue;
            }
            var name = method.Name;
            if (IsGenerated(type))
            {
                // <ListAsync>d__5.MoveNext belongs to ListAsync; a lambda (<>c__DisplayClass5_0.<ListAsync>b__0) to the method it is written in.
                var fromType = Written(type.Name);
                name = fromType.Length > 0 ? fromType : Written(name);
                while (IsGenerated(type) && type.DeclaringType is not null)
                {
                    type = type.DeclaringType;
                }
            }
            else
            {
                name = Written(name);
            }
            if (!senders.Contains($"{type.Name}.{name}"))
            {
                senders.Add($"{type.Name}.{name}");
            }
        }
        return senders;
    }

    // The method a generated name was made from: "<<ListAsync>b__0>d" and "<ListAsync>d__5" are ListAsync.
    private static string Written(string name)
    {
        if (!name.StartsWith('<'))
        {
            return name;
        }
        var trimmed = name.TrimStart('<');
        var end = trimmed.IndexOf('>', StringComparison.Ordinal);
        return end < 0 ? trimmed : trimmed[..end];
    }

    private static bool IsGenerated(MemberInfo member) => member.IsDefined(typeof(CompilerGeneratedAttribute), false) || member.Name.Contains('<', StringComparison.Ordinal);
}
