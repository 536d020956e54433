using System.Net;
using EdgeMail.Auth.Pairing;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>An app password made by a pairing request logs in over IMAP; revoking it ends the session it opened.</summary>
public sealed class AppPasswordSessionTests : IAsyncLifetime
{
    private readonly ImapServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_paired_app_password_logs_in_with_MailKit_and_its_revocation_ends_the_open_session_with_BYE()
    {
        var fixture = _server.Server;
        using var window = new PairingWindow(new PairingOptions(), TimeProvider.System);
        var pairing = new PairingService(fixture.Store, fixture.Authenticator, window, ["edgemail.local"]);
        window.Open();
        var paired = await pairing.PairAsync(new PairingRequest(ImapServer.User, ImapServer.Password, "phone", IPAddress.Loopback), default);
        Assert.True(paired.Succeeded, paired.Reason);

        using (var mailkit = new ImapClient())
        {
            await mailkit.ConnectAsync("127.0.0.1", _server.Port, SecureSocketOptions.None);
            await mailkit.AuthenticateAsync(ImapServer.User, paired.AppPassword!);
            await mailkit.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        }

        var device = Assert.Single(await fixture.Store.ListAppPasswordsAsync(paired.Account!.Id));
        Assert.Equal("127.0.0.1", device.LastUsedFrom);
        Assert.NotNull(device.LastUsed);

        await using var open = await LoopbackClient.ConnectAsync("127.0.0.1", _server.Port);
        Assert.StartsWith("* OK", await open.ReadLineAsync());
        Assert.StartsWith("a1 OK", await open.ImapAsync($"LOGIN \"{ImapServer.User}\" \"{paired.AppPassword}\""));
        await open.SendAsync("a2 IDLE");
        Assert.StartsWith("+", await open.ReadLineAsync());

        Assert.True(await fixture.Authenticator.RevokeAppPasswordAsync(paired.Account.Id, "phone", default));
        Assert.Equal("* BYE the app password of this session was revoked", await open.ReadLineAsync());
        Assert.Null(await open.ReadLineAsync());

        using var again = new ImapClient();
        await again.ConnectAsync("127.0.0.1", _server.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => again.AuthenticateAsync(ImapServer.User, paired.AppPassword!));
    }
}
