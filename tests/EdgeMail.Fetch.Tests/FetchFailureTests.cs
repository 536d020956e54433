using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeMail.Fetch.Tests.Support;
using EdgeMail.Store.Fetch;

namespace EdgeMail.Fetch.Tests;

/// <summary>
/// What goes wrong between the box and the provider: the link cut at any byte of a fetch, a certificate not trusted,
/// a server that does not speak IMAP, a wrong password. Each gives one clear line in the state, never a crash, never
/// a lost or doubled message, and never the password.
/// </summary>
public sealed class FetchFailureTests : IAsyncLifetime
{
    private Provider _provider = null!;
    private Box _box = null!;

    public async Task InitializeAsync()
    {
        _provider = await Provider.StartAsync();
        _box = await Box.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _box.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Theory]
    [InlineData(FetchProtocol.Imap, FetchRemoteAction.Keep)]
    [InlineData(FetchProtocol.Imap, FetchRemoteAction.Delete)]
    [InlineData(FetchProtocol.Pop3, FetchRemoteAction.Delete)]
    public async Task A_link_cut_at_any_point_loses_and_doubles_nothing(FetchProtocol protocol, FetchRemoteAction action)
    {
        var tokens = Enumerable.Range(1, 12).Select(i => $"cut{i:D2}").ToArray();
        await _provider.DeliverAsync("INBOX", tokens);
        await using var proxy = new CuttingProxy(protocol == FetchProtocol.Imap ? _provider.ImapPort : _provider.Pop3Port);

        // Plain ports through the proxy (STARTTLS), so that the cut falls on protocol bytes we can count.
        proxy.CutAfter = 300;
        await _box.AddAsync(_provider, protocol: protocol, security: FetchSecurity.StartTls, port: proxy.Port, action: action);
        var failures = 0;
        for (var cut = 300; cut < 40_000; cut += 900)
        {
            proxy.CutAfter = cut;
            var result = await _box.RunAsync();
            failures += result.Error is null ? 0 : 1;

            // At every point: nothing twice here, and nothing gone there that is not here.
            var here = await _box.TokensAsync();
            Assert.Equal(here.Count, here.Distinct().Count());
            var there = await _provider.TokensAsync("INBOX");
            Assert.All(tokens.Except(there), gone => Assert.Contains(gone, here));
        }

        proxy.CutAfter = 0;
        await _box.FetchAsync();
        Assert.True(failures > 3, $"only {failures} passes were cut");
        Assert.Equal(tokens, (await _box.TokensAsync()).Order());
        Assert.Equal(action == FetchRemoteAction.Keep ? tokens : [], await _provider.TokensAsync("INBOX"));
    }

    [Fact]
    public async Task A_certificate_that_is_not_trusted_is_refused_with_a_line_that_says_so()
    {
        await _provider.DeliverAsync("INBOX", "never");
        await _box.AddAsync(_provider, insecureTls: false);
        var result = await _box.RunAsync();

        Assert.NotNull(result.Error);
        Assert.Contains("certificate is not trusted", result.Error, StringComparison.Ordinal);
        Assert.Empty(await _box.TokensAsync());
        var state = (await _box.Store.FindFetchAccountAsync("provider"))!.State;
        Assert.Equal(result.Error, state.LastError);
        Assert.True(state.Failures >= 1);
        Assert.NotNull(state.NextAttempt);
    }

    [Fact]
    public async Task A_server_that_does_not_speak_IMAP_is_a_clear_line_and_the_worker_goes_on()
    {
        using var garbage = new TcpListener(IPAddress.Loopback, 0);
        garbage.Start();
        var port = ((IPEndPoint)garbage.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                using var client = await garbage.AcceptSocketAsync();
                await client.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
                client.Shutdown(SocketShutdown.Send);
            }
        });

        await _box.AddAsync(_provider, security: FetchSecurity.StartTls, port: port);
        var first = await _box.RunAsync();
        Assert.NotNull(first.Error);
        Assert.Contains($"127.0.0.1:{port}", first.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", first.Error, StringComparison.Ordinal);

        // The worker is still there and answers the next request.
        var second = await _box.RunAsync();
        Assert.NotNull(second.Error);
    }

    [Fact]
    public async Task A_wrong_password_says_so_and_no_password_is_ever_logged_or_shown()
    {
        const string wrong = "wrong-password-xyzzy";
        await _box.AddAsync(_provider, name: "bad", password: wrong);
        var result = await _box.RunAsync("bad");
        Assert.Contains("refused the login of bob@provider.test", result.Error, StringComparison.Ordinal);

        await _provider.DeliverAsync("INBOX", "fine");
        await _box.AddAsync(_provider, name: "good");
        await _box.FetchAsync("good");

        var everything = _box.LogText + string.Join("\n", (await _box.Store.ListFetchAccountsAsync()).Select(a => a.ToString())) + _provider.Fixture.LogText;
        Assert.DoesNotContain(wrong, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Provider.Password, everything, StringComparison.Ordinal);

        // At rest the password is sealed: not in the database file in any form a copy would give away.
        await _box.Store.DisposeAsync();
        foreach (var file in Directory.GetFiles(_box.Data.Path, "edgemail.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.DoesNotContain(Provider.Password, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
    }
}
