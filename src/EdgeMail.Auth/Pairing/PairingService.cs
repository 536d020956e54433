using System.Globalization;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Scram;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Pairing;

/// <summary>
/// Pairing requests (the web page's form and POST /api/pair): while the <see cref="PairingWindow"/> is open, an account's address and
/// main password plus a device name give a new app password for that device. On a box with no account yet, the
/// request makes the first account with that address and password, its admin. The password is checked by the one
/// <see cref="Authenticator"/> path, so the login throttle counts pairing guesses with every other login from the
/// address. Every refusal is a <see cref="PairingResult"/> with a reason, never an exception.
/// </summary>
public sealed class PairingService
{
    /// <summary>The protocol name in the failed-login log.</summary>
    public const string Protocol = "PAIRING";

    private readonly MailStore _store;
    private readonly Authenticator _authenticator;
    private readonly PairingWindow _window;
    private readonly string[] _domains;

    /// <param name="localDomains">The domains a first account may be in (the host's Domains); empty: any.</param>
    public PairingService(MailStore store, Authenticator authenticator, PairingWindow window, IEnumerable<string> localDomains)
    {
        _store = store;
        _authenticator = authenticator;
        _window = window;
        _domains = [.. localDomains];
    }

    public PairingWindow Window => _window;

    public async Task<PairingResult> PairAsync(PairingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_window.IsOpen)
        {
            return PairingResult.Refused(PairingOutcome.WindowClosed, string.Create(CultureInfo.InvariantCulture, $"no pairing window is open: hold the button or run `edgemail pair`, then pair within {_window.Length.TotalSeconds:0} seconds"));
        }

        if (!AppPasswords.IsValidDeviceName(request.DeviceName, out var nameError))
        {
            return PairingResult.Refused(PairingOutcome.InvalidDeviceName, nameError!);
        }

        var client = await _authenticator.AcceptAsync(request.Remote, Protocol, cancellationToken).ConfigureAwait(false);
        if ((await _store.ListAccountsAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            if (FirstAccountProblem(request) is { } refusal)
            {
                return refusal;
            }

            // Null when another request (or `user add`) made an account meanwhile: then it is checked like any other.
            var first = await _store.CreateFirstAccountAsync(request.Address, ScramSecret.Create(request.Password), cancellationToken).ConfigureAwait(false);
            if (first is not null)
            {
                return await AddDeviceAsync(first, request.DeviceName, createdAccount: true, cancellationToken).ConfigureAwait(false);
            }
        }

        var login = await _authenticator.LoginAsync(client, Protocol, request.Address, request.Password, cancellationToken).ConfigureAwait(false);
        switch (login.Outcome)
        {
            case LoginOutcome.Locked:
                return PairingResult.Refused(PairingOutcome.Locked, "too many failed logins from this address; try again later");
            case not LoginOutcome.Success:
                return PairingResult.Refused(PairingOutcome.WrongPassword, "wrong address or password");
        }

        // An app password can log in, but not make more of them: a lost phone's password must not pair new devices.
        return login.UsedAppPassword
            ? PairingResult.Refused(PairingOutcome.MainPasswordRequired, "pairing needs the account's own password, not an app password")
            : await AddDeviceAsync(login.Account!, request.DeviceName, createdAccount: false, cancellationToken).ConfigureAwait(false);
    }

    private PairingResult? FirstAccountProblem(PairingRequest request)
    {
        if (!AddressRules.IsValid(request.Address, out var error))
        {
            return PairingResult.Refused(PairingOutcome.InvalidAddress, error!);
        }

        var domain = request.Address[(request.Address.LastIndexOf('@') + 1)..].Trim();
        if (_domains.Length > 0 && !_domains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            return PairingResult.Refused(PairingOutcome.InvalidAddress, $"{domain} is not a local domain of this box (Domains: {string.Join(", ", _domains)})");
        }

        return request.Password.Length < PasswordRules.MinLength || request.Password.Length > PasswordRules.MaxLength
            ? PairingResult.Refused(PairingOutcome.PasswordTooShort, string.Create(CultureInfo.InvariantCulture, $"the password must have {PasswordRules.MinLength} to {PasswordRules.MaxLength} characters"))
            : null;
    }

    private async Task<PairingResult> AddDeviceAsync(Account account, string deviceName, bool createdAccount, CancellationToken cancellationToken)
    {
        try
        {
            var made = await AppPasswords.AddAsync(_store, account, deviceName, cancellationToken).ConfigureAwait(false);
            var reason = createdAccount ? $"created {made.Account.Address}, the admin account, and paired {made.Device.Name}" : $"paired {made.Device.Name} with {made.Account.Address}";
            return new PairingResult(PairingOutcome.Paired, reason, made.Account, made.Device, made.Password, createdAccount);
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return PairingResult.Refused(PairingOutcome.DeviceNameTaken, $"{account.Address} already has a device named {deviceName.Trim()}: choose another name, or revoke that one first");
        }
        catch (StoreException ex) when (ex.Error == StoreError.InvalidName)
        {
            return PairingResult.Refused(PairingOutcome.InvalidDeviceName, ex.Message);
        }
    }
}
