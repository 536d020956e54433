using EdgeMail.Auth.Login;
using EdgeMail.Store;

namespace EdgeMail.Control;

/// <summary>
/// `device revoke ADDRESS NAME` on the running service: deletes the app password and ends the sessions it opened here
/// at once (which only the service can do; offline, the CLI deletes it in the store).
/// </summary>
internal sealed class DeviceRevokeHandler(MailStore store, Authenticator authenticator) : IControlHandler
{
    public string Verb => "device revoke";

    public async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        if (request.Arguments is not [var address, var name])
        {
            return ControlResponse.Failed("device revoke takes two arguments, the address and the device name");
        }

        var account = await store.FindAccountAsync(address, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return ControlResponse.Failed($"no account {address}");
        }

        return await authenticator.RevokeAppPasswordAsync(account.Id, name, cancellationToken).ConfigureAwait(false)
            ? new ControlResponse { Message = $"revoked {name} of {account.Address}; its open sessions were ended" }
            : ControlResponse.Failed($"{account.Address} has no device named {name} (see edgemail device list {account.Address})");
    }
}
