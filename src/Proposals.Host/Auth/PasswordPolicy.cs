using System.Security.Cryptography;

namespace Proposals.Host.Auth;

/// <summary>What a password chosen by a person must be: long enough, of more than one kind of character, not their name.</summary>
internal static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    /// <summary>Why the password is not acceptable, or null when it is.</summary>
    public static string? Problem(string username, string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
        {
            return $"密码至少 {MinLength} 个字符";
        }
        if (password.Length > MaxLength)
        {
            return $"密码最多 {MaxLength} 个字符";
        }
        var kinds = new[] { password.Any(char.IsLetter), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)) }.Count(k => k);
        if (kinds < 2)
        {
            return "密码应至少包含字母、数字、符号中的两类";
        }
        if (!string.IsNullOrEmpty(username) && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return "密码不能包含用户名";
        }
        return null;
    }

    /// <summary>
    /// A random password for someone who must change it at first sign-in: letters and digits without the ones people
    /// misread (0/O, 1/l/I), long enough to need no other rule.
    /// </summary>
    public static string Temporary()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Concat(Enumerable.Range(0, 20).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}
