using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Smtp.Tests.Clients;

/// <summary>Python's smtplib (Debian's python3) as a second, independent client.</summary>
public sealed class PythonSmtplibTests
{
    private const string Script = """
        import smtplib, ssl, sys
        mode, port, user, password, rcpt = sys.argv[1:6]
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        msg = ("From: %s\r\nTo: %s\r\nSubject: from smtplib %s\r\n\r\nhello from python\r\n" % (user, rcpt, mode)).encode()
        if mode == "starttls":
            s = smtplib.SMTP("127.0.0.1", int(port), timeout=20)
            s.starttls(context=ctx)
        elif mode == "implicit":
            s = smtplib.SMTP_SSL("127.0.0.1", int(port), context=ctx, timeout=20)
        else:
            s = smtplib.SMTP("127.0.0.1", int(port), timeout=20)
        if password != "-":
            s.login(user, password)
        try:
            s.sendmail(user, [rcpt], msg)
        except smtplib.SMTPRecipientsRefused as e:
            code, text = list(e.recipients.values())[0]
            print("REFUSED %d %s" % (code, text.decode()))
            sys.exit(3)
        s.quit()
        print("SENT")
        """;

    [Theory]
    [InlineData("starttls", "submission")]
    [InlineData("implicit", "submissions")]
    public async Task Smtplib_submits_with_AUTH_and_the_message_lands_in_the_inbox(string mode, string endpoint)
    {
        ExternalTool.Require(ExternalTool.Python, "python3");
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await server.AddUserAsync("bob");

        var (exit, output) = await ExternalTool.RunAsync(ExternalTool.Python, "python3", ["-c", Script, mode, server.Fixture.Ports[endpoint].ToString(System.Globalization.CultureInfo.InvariantCulture), "alice@edgemail.local", SmtpServer.Password, "bob@edgemail.local"]);

        Assert.True(exit == 0, output + server.Fixture.LogText);
        var delivered = Assert.Single(await server.InboxAsync("bob"));
        Assert.Contains("with ESMTPSA id", delivered.Text, StringComparison.Ordinal);
        Assert.Contains("Subject: from smtplib " + mode, delivered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtplib_open_relay_attempt_from_an_untrusted_client_is_refused()
    {
        ExternalTool.Require(ExternalTool.Python, "python3");
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { TrustedNetworks = ["198.51.100.0/24"] });

        var (exit, output) = await ExternalTool.RunAsync(ExternalTool.Python, "python3", ["-c", Script, "plain", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "spam@spammer.test", "-", "victim@example.net"]);

        Assert.Equal(3, exit);
        Assert.Contains("REFUSED 554 5.7.1", output, StringComparison.Ordinal);
        Assert.Empty(await server.Fixture.Store.ListQueueAsync());
    }

    [Fact]
    public async Task Swaks_open_relay_attempt_from_an_untrusted_client_is_refused()
    {
        ExternalTool.Require("/usr/bin/swaks", "swaks");
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { TrustedNetworks = ["198.51.100.0/24"] });

        var (exit, output) = await ExternalTool.RunAsync("/usr/bin/swaks", "swaks", ["--server", "127.0.0.1", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--from", "spam@spammer.test", "--to", "victim@example.net", "--helo", "spammer.test"]);

        Assert.NotEqual(0, exit);
        Assert.Contains("<** 554 5.7.1", output, StringComparison.Ordinal);
        Assert.Empty(await server.Fixture.Store.ListQueueAsync());
    }
}
