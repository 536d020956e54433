using EdgeMail.Auth.Login;
using EdgeMail.Auth.TwoFactor;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Admin;

/// <summary>
/// The web page's admin login: the address and the account's own password (never an app password: a lost phone's
/// password must not open the box's settings), then, when the account has TOTP on, a code from the authenticator app
/// or an unused recovery code. Only the box's admin logs in: the account flagged admin (the first one made), or,
/// when none is flagged because that account was removed, the oldest remaining account
/// (<see cref="MailStore.FindAdminAccountAsync"/>). The password goes through <see cref="Authenticator.LoginAsync"/>
/// and the code through <see cref="Authenticator.CheckSecondFactorAsync"/>, so the login throttle counts wrong
/// passwords and wrong or replayed codes from an address together with its IMAP, POP3, SMTP and pairing failures.
/// </summary>
/// <remarks>
/// The page is stateless between the two steps: after <see cref="AdminLoginOutcome.SecondFactorRequired"/> it asks for
/// the code and sends the address, password and code again, so no half-logged-in state exists anywhere.
/// </remarks>
public sealed class AdminLogin
{
    /// <summary>The protocol name in the failed-login log.</summary>
    public const string Protocol = "WEB";

    private readonly MailStore _store;
    private readonly Authenticator _authenticator;
    private readonly TwoFactorService _twoFactor;

    public AdminLogin(MailStore store, Authenticator authenticator, TwoFactorService twoFactor)
    {
        _store = store;
        _authenticator = authenticator;
        _twoFactor = twoFactor;
    }

    public async Task<AdminLoginResult> LoginAsync(AdminLoginRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = await _authenticator.AcceptAsync(request.Remote, Protocol, cancellationToken).ConfigureAwait(false);
        var login = await _authenticator.LoginAsync(client, "PASSWORD", request.Address ?? "", request.Password ?? "", cancellationToken).ConfigureAwait(false);
        switch (login.Outcome)
        {
            case LoginOutcome.Locked:
                return Refused(AdminLoginOutcome.Locked, "too many failed logins from this address; try again later");
            case not LoginOutcome.Success:
                return Refused(AdminLoginOutcome.WrongCredentials, "wrong address or password");
        }

        // A right app password is not a failed guess (as in pairing): refused, not counted.
        if (login.UsedAppPassword)
        {
            return Refused(AdminLoginOutcome.AppPasswordRefused, "the admin page takes the account's own password, not a device's app password");
        }

        var account = login.Account!;
        if (!await IsAdminAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return Refused(AdminLoginOutcome.NotAdmin, $"{account.Address} is not the admin of this box");
        }

        if (!await _twoFactor.IsEnabledAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return new AdminLoginResult(AdminLoginOutcome.Success, $"logged in as {account.Address}", account);
        }

        if (string.IsNullOrWhiteSpace(request.Code))
        {
            return Refused(AdminLoginOutcome.SecondFactorRequired, "enter the 6-digit code of your authenticator app, or a recovery code");
        }

        int? left = null;
        var second = await _authenticator.CheckSecondFactorAsync(client, "TOTP", account, async ct =>
        {
            var (check, codesLeft) = await _twoFactor.VerifyAsync(account, request.Code, ct).ConfigureAwait(false);
            left = codesLeft;
            return check is SecondFactorCheck.Accepted or SecondFactorCheck.RecoveryCodeAccepted;
        }, cancellationToken).ConfigureAwait(false);
        return second.Outcome switch
        {
            LoginOutcome.Success => new AdminLoginResult(AdminLoginOutcome.Success, left is { } n ? $"logged in as {account.Address} with a recovery code ({n} left)" : $"logged in as {account.Address}", account, left),
            LoginOutcome.Locked => Refused(AdminLoginOutcome.Locked, "too many failed logins from this address; try again later"),
            _ => Refused(AdminLoginOutcome.WrongSecondFactor, "wrong or already used code"),
        };
    }

    private async Task<bool> IsAdminAsync(Account account, CancellationToken cancellationToken) =>
        account.IsAdmin || (await _store.FindAdminAccountAsync(cancellationToken).ConfigureAwait(false))?.Id == account.Id;

    private static AdminLoginResult Refused(AdminLoginOutcome outcome, string reason) => new(outcome, reason);
}
