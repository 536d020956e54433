using System.Security.Cryptography;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.TwoFactor;

/// <summary>
/// An account's TOTP second factor (RFC 6238; 6 digits, 30 s, SHA-1, as every authenticator app assumes): enrolment
/// (<see cref="BeginAsync"/>, then <see cref="ConfirmAsync"/> with a code from the app, which turns it on and gives the
/// recovery codes once), <see cref="DisableAsync"/> and <see cref="IsEnabledAsync"/>. The web page's admin settings and
/// `edgemail user 2fa` call the same methods. Secrets are 160 random bits (RFC 4226 §4 R6 recommends 160), kept sealed
/// by the store's SecretBox. A login checks a code with <see cref="VerifyAsync"/> (through Admin/AdminLogin).
/// </summary>
public sealed class TwoFactorService
{
    /// <summary>The issuer shown by the authenticator app, in the URI's label and issuer parameter.</summary>
    public const string Issuer = "EdgeMail";

    private const int SecretBytes = 20;

    private readonly MailStore _store;
    private readonly TimeProvider _time;

    public TwoFactorService(MailStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>
    /// Starts an enrolment: a new secret, pending until <see cref="ConfirmAsync"/> (it replaces an older pending one;
    /// a login does not ask for a code until then). Refused when TOTP is already on.
    /// </summary>
    public async Task<TwoFactorResult> BeginAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        try
        {
            await _store.BeginTotpAsync(account.Id, secret, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return new TwoFactorResult(TwoFactorOutcome.AlreadyEnabled, $"two-factor login is already on for {account.Address}: turn it off first to enrol another phone", account);
        }

        var base32 = Base32.Encode(secret);
        CryptographicOperations.ZeroMemory(secret);
        return new TwoFactorResult(TwoFactorOutcome.Pending, $"scan the code with an authenticator app (or type the secret), then confirm with the 6-digit code it shows", account, base32, KeyUri(account.Address, base32));
    }

    /// <summary>
    /// Confirms the pending enrolment with a code the app shows (±1 step): TOTP is then on, and the result holds the
    /// recovery codes, the only time they are shown. The confirming code counts as used.
    /// </summary>
    public async Task<TwoFactorResult> ConfirmAsync(Account account, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(code);
        var state = await _store.GetTotpAsync(account.Id, cancellationToken).ConfigureAwait(false);
        if (state is null || state.Enabled)
        {
            return new TwoFactorResult(TwoFactorOutcome.NothingPending, state is null
                ? $"no two-factor enrolment is pending for {account.Address}: begin one first"
                : $"two-factor login is already on for {account.Address}", account);
        }

        var step = Totp.Match(state.Secret, Digits(code), Totp.StepAt(_time.GetUtcNow()));
        CryptographicOperations.ZeroMemory(state.Secret);
        if (step is not { } accepted)
        {
            return new TwoFactorResult(TwoFactorOutcome.WrongCode, "that is not the current code of the new secret: check the phone's clock, and type the code it shows now", account);
        }

        var codes = RecoveryCodes.Generate();
        var hashes = codes.Select(c => RecoveryCodes.Hash(RecoveryCodes.Normalize(c)!)).ToList();
        if (!await _store.EnableTotpAsync(account.Id, state, accepted, hashes, cancellationToken).ConfigureAwait(false))
        {
            return new TwoFactorResult(TwoFactorOutcome.NothingPending, "the enrolment changed meanwhile (begun again or turned off): begin again", account);
        }

        return new TwoFactorResult(TwoFactorOutcome.Enabled, $"two-factor login is on for {account.Address}; keep the recovery codes somewhere safe, each works once", account, RecoveryCodes: codes);
    }

    /// <summary>Turns TOTP off (pending or on) and drops the recovery codes: the way back for a lost phone.</summary>
    public async Task<TwoFactorResult> DisableAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return await _store.DeleteTotpAsync(account.Id, cancellationToken).ConfigureAwait(false)
            ? new TwoFactorResult(TwoFactorOutcome.Disabled, $"two-factor login is off for {account.Address}", account)
            : new TwoFactorResult(TwoFactorOutcome.NotEnabled, $"two-factor login was not on for {account.Address}", account);
    }

    /// <summary>Whether a login of this account asks for a code (a pending enrolment does not count).</summary>
    public Task<bool> IsEnabledAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return _store.IsTotpEnabledAsync(account.Id, cancellationToken);
    }

    /// <summary>
    /// Checks a code at login: 6 digits are a TOTP code (±1 step, and later than the last accepted step, RFC 6238
    /// §5.2), anything else a recovery code (used up if it matches).
    /// </summary>
    internal async Task<(SecondFactorCheck Check, int? RecoveryCodesLeft)> VerifyAsync(Account account, string code, CancellationToken cancellationToken)
    {
        var state = await _store.GetTotpAsync(account.Id, cancellationToken).ConfigureAwait(false);
        if (state is not { Enabled: true })
        {
            return (SecondFactorCheck.NotEnabled, null);
        }

        var digits = Digits(code);
        if (digits.Length == Totp.DefaultDigits && digits.All(char.IsAsciiDigit))
        {
            var step = Totp.Match(state.Secret, digits, Totp.StepAt(_time.GetUtcNow()));
            CryptographicOperations.ZeroMemory(state.Secret);
            if (step is not { } matched)
            {
                return (SecondFactorCheck.Wrong, null);
            }

            // The store checks again in the same statement that records the step, so two logins racing with one
            // code cannot both pass.
            return matched > state.LastStep && await _store.AcceptTotpStepAsync(account.Id, matched, cancellationToken).ConfigureAwait(false)
                ? (SecondFactorCheck.Accepted, null)
                : (SecondFactorCheck.Replayed, null);
        }

        CryptographicOperations.ZeroMemory(state.Secret);
        if (RecoveryCodes.Normalize(code) is not { } normalized)
        {
            return (SecondFactorCheck.Wrong, null);
        }

        return await _store.UseRecoveryCodeAsync(account.Id, RecoveryCodes.Hash(normalized), cancellationToken).ConfigureAwait(false) is { } left
            ? (SecondFactorCheck.RecoveryCodeAccepted, left)
            : (SecondFactorCheck.Wrong, null);
    }

    /// <summary>
    /// Google Authenticator's Key Uri Format: otpauth://totp/ISSUER:ACCOUNT?secret=...&amp;issuer=...&amp;algorithm=SHA1&amp;digits=6&amp;period=30
    /// (the label and the issuer parameter both, as the format recommends; '@' stays as it is, a valid path character).
    /// </summary>
    public static string KeyUri(string address, string base32Secret)
    {
        ArgumentNullException.ThrowIfNull(address);
        var label = Uri.EscapeDataString(Issuer) + ":" + Uri.EscapeDataString(address).Replace("%40", "@", StringComparison.Ordinal);
        return $"otpauth://totp/{label}?secret={base32Secret}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits={Totp.DefaultDigits}&period={(int)Totp.DefaultPeriod.TotalSeconds}";
    }

    /// <summary>A code as typed, without spaces (apps show "123 456").</summary>
    private static string Digits(string code) => code.Replace(" ", "", StringComparison.Ordinal).Trim();
}
