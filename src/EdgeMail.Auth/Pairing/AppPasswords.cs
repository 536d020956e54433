using System.Globalization;
using System.Security.Cryptography;
using EdgeMail.Auth.Scram;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Pairing;

/// <summary>
/// New app passwords and device names. A password is 20 random characters of the RFC 4648 §6 base32 alphabet in
/// lower case (100 bits, above the 96 asked for), in five groups of four joined by '-', as "k7q2-mxa4-..." (no 0/1/8/9,
/// so nothing to confuse with o/l/b/g, and one case on a phone keyboard). The dashes are part of it. It is returned once
/// and stored only as a SCRAM secret under the account's salt and iteration count, so that SCRAM-SHA-256, whose server
/// names one salt per account before it knows which password the client holds, can check it as well as PLAIN and LOGIN.
/// </summary>
public static class AppPasswords
{
    public const int MaxDeviceNameLength = 64;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const int Groups = 5;
    private const int GroupLength = 4;

    /// <summary>Random bits in a new app password: 5 per character.</summary>
    public const int Bits = Groups * GroupLength * 5;

    /// <summary>A new random app password, e.g. "k7q2-mxa4-p3zt-w6bd-e5ns".</summary>
    public static string Generate()
    {
        var characters = RandomNumberGenerator.GetString(Alphabet, Groups * GroupLength);
        return string.Join('-', Enumerable.Range(0, Groups).Select(g => characters.Substring(g * GroupLength, GroupLength)));
    }

    /// <summary>
    /// Whether <paramref name="name"/> can name a device: 1 to 64 characters after trimming, no control or format
    /// characters (a bidirectional override could make one name look like another in a list). Uniqueness per account
    /// is the store's.
    /// </summary>
    public static bool IsValidDeviceName(string? name, out string? error)
    {
        error = null;
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "the device name is empty";
        }
        else if (trimmed.Length > MaxDeviceNameLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the device name is longer than {MaxDeviceNameLength} characters");
        }
        else if (trimmed.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
        {
            error = "the device name contains a control or formatting character";
        }

        return error is null;
    }

    /// <summary>
    /// Makes an app password for a device of <paramref name="account"/>: generated, stored as a SCRAM secret under the
    /// account's salt, and returned (the only time it exists outside the client). The store refuses a name the account
    /// already uses (<see cref="StoreError.AlreadyExists"/>); an invalid name is <see cref="StoreError.InvalidName"/>.
    /// </summary>
    public static async Task<NewAppPassword> AddAsync(MailStore store, Account account, string deviceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(account);
        if (!IsValidDeviceName(deviceName, out var error))
        {
            throw new StoreException(StoreError.InvalidName, error!);
        }

        var credentials = await store.GetCredentialsAsync(account.Address, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, $"no account {account.Address}");
        var password = Generate();
        var secret = ScramSecret.Derive(password, credentials.Password.Salt, credentials.Password.Iterations);
        var stored = await store.AddAppPasswordAsync(account.Id, deviceName.Trim(), secret, cancellationToken).ConfigureAwait(false);
        return new NewAppPassword(credentials.Account, stored, password);
    }
}
