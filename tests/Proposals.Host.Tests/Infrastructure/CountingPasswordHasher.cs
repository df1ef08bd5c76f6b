using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// The host's own password hasher, keeping a note of each hash a password was checked against: its format, function
/// and iteration count (the header of ASP.NET Core Identity's version 3 format), which decide what a check costs.
/// </summary>
public sealed class CountingPasswordHasher : IPasswordHasher<UserAccount>
{
    private readonly PasswordHasher<UserAccount> _inner = new();

    private readonly List<string> _checked = [];

    /// <summary>The header of every hash a password was checked against, in order.</summary>
    public IReadOnlyList<string> Checked
    {
        get
        {
            lock (_checked)
            {
                return [.. _checked];
            }
        }
    }

    public string HashPassword(UserAccount user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(UserAccount user, string hashedPassword, string providedPassword)
    {
        lock (_checked)
        {
            _checked.Add(Header(hashedPassword));
        }
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }

    // Version 3: one marker byte, then the pseudo-random function, the iteration count and the salt length, 4 bytes each.
    private static string Header(string hash)
    {
        var bytes = new byte[hash.Length];
        return Convert.TryFromBase64String(hash, bytes, out var length) && length >= 13
            ? Convert.ToHexString(bytes, 0, 13)
            : "not a hash";
    }
}
