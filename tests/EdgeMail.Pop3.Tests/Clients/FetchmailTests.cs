using System.Globalization;
using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Pop3.Tests.Clients;

/// <summary>Debian's fetchmail, a real POP3 client, delivering to an mda that appends to a file.</summary>
public sealed class FetchmailTests
{
    private const string Separator = "=====EDGEMAIL-TEST=====";

    [Fact]
    public async Task Fetchmail_keep_leaves_mail_and_uidl_fetches_only_new_mail()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("kept one"));
        await server.DeliverAsync("Subject: kept two\n\n.dotted\nbody\n");
        using var folder = new TempFolder();

        var first = await RunAsync(server, folder, keep: true);
        Assert.True(first.ExitCode == 0, first.Output + "\n" + server.Fixture.LogText);
        var delivered = Delivered(folder);
        Assert.Equal(2, delivered.Length);
        Assert.Contains("Subject: kept one", delivered[0], StringComparison.Ordinal);
        Assert.Contains("\n.dotted\n", delivered[1].Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(2, (await server.InboxAsync()).Count);

        // The UIDs fetchmail remembered are the ones the next session lists: only the new message comes.
        await server.DeliverAsync(Pop3Server.Message("kept three"));
        var second = await RunAsync(server, folder, keep: true);
        Assert.True(second.ExitCode == 0, second.Output + "\n" + server.Fixture.LogText);
        delivered = Delivered(folder);
        Assert.Equal(3, delivered.Length);
        Assert.Contains("Subject: kept three", delivered[2], StringComparison.Ordinal);
        Assert.Equal(3, (await server.InboxAsync()).Count);
    }

    [Fact]
    public async Task Fetchmail_without_keep_deletes_what_it_fetched()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("gone one"));
        await server.DeliverAsync(Pop3Server.Message("gone two"));
        using var folder = new TempFolder();

        var run = await RunAsync(server, folder, keep: false);
        Assert.True(run.ExitCode == 0, run.Output + "\n" + server.Fixture.LogText);
        Assert.Equal(2, Delivered(folder).Length);
        Assert.Empty(await server.InboxAsync());

        // Nothing left: fetchmail's exit code 1 means "no mail".
        var again = await RunAsync(server, folder, keep: false);
        Assert.True(again.ExitCode == 1, again.Output);
    }

    private static async Task<ToolResult> RunAsync(Pop3Server server, TempFolder folder, bool keep)
    {
        var rc = Path.Combine(folder.Path, "fetchmailrc");
        var mbox = Path.Combine(folder.Path, "delivered");
        var port = server.Port.ToString(CultureInfo.InvariantCulture);

        // sslproto '' keeps fetchmail off STLS: the test certificate is self-signed.
        await File.WriteAllTextAsync(rc, $"""
            set no bouncemail
            poll 127.0.0.1 protocol POP3 port {port} auth password uidl
                user "{Pop3Server.User}" there with password "{Pop3Server.Password}" is "{Environment.UserName}" here
                sslproto '' {(keep ? "keep" : "nokeep")}
                mda "/bin/sh -c 'cat >> {mbox}; echo {Separator} >> {mbox}'"

            """);
        if (!OperatingSystem.IsWindows())
        {
            // fetchmail refuses a run-control file that others can read.
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var environment = new Dictionary<string, string> { ["HOME"] = folder.Path, ["FETCHMAILHOME"] = folder.Path };
        return await ExternalTool.RunAsync("fetchmail", "fetchmail", ["-f", rc, "--nosyslog", "--idfile", Path.Combine(folder.Path, "fetchids"), "-v"], environment: environment, timeout: TimeSpan.FromSeconds(30));
    }

    private static string[] Delivered(TempFolder folder)
    {
        var path = Path.Combine(folder.Path, "delivered");
        return File.Exists(path)
            ? File.ReadAllText(path).Split(Separator + "\n", StringSplitOptions.RemoveEmptyEntries)
            : [];
    }
}
