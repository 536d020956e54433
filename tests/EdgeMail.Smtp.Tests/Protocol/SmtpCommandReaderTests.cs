using System.Text;
using EdgeMail.Smtp.Protocol;

namespace EdgeMail.Smtp.Tests.Protocol;

/// <summary>Rows from RFC 5321 §4.1 and §4.1.2 (and RFC 1870, 3461, 6531), plus hostile input.</summary>
public sealed class SmtpCommandReaderTests
{
    [Theory]
    [InlineData("FROM:<userx@y.foo.org>", "userx@y.foo.org")]                        // RFC 5321 §4.1.1.2
    [InlineData("FROM:<>", "")]                                                        // null reverse-path, §4.5.5
    [InlineData("from:<@hosta.int,@jkl.org:userc@d.bar.org>", "userc@d.bar.org")]     // source route, §4.1.1.3 / Appendix C
    [InlineData("FROM: <scanner@lan.test>", "scanner@lan.test")]                      // Tolerance: space after the colon
    [InlineData("FROM:<\"john smith\"@example.org>", "\"john smith\"@example.org")]   // Quoted-string local part
    [InlineData("FROM:<root@[192.0.2.1]>", "root@[192.0.2.1]")]                       // address-literal, §4.1.3
    [InlineData("FROM:<a@b.test> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ314159", "a@b.test")]
    public void Mail_from_reads_the_reverse_path(string arguments, string expected)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(arguments));
        Assert.True(reader.TryReadMailFrom(out var mail, out _));
        Assert.Equal(expected, mail!.ReversePath);
    }

    [Fact]
    public void Mail_parameters_are_read()
    {
        var reader = new SmtpCommandReader("FROM:<a@b.test> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ314159 SMTPUTF8"u8.ToArray());
        Assert.True(reader.TryReadMailFrom(out var mail, out _));
        Assert.Equal(new MailCommand("a@b.test", 1000, true, true, "HDRS", "QQ314159"), mail);
    }

    [Theory]
    [InlineData("FROM:a@b.test", false)]          // no angle brackets
    [InlineData("FROM:<a@b.test", false)]         // unterminated
    [InlineData("FROM:<ab.test>", false)]         // no @
    [InlineData("FROM:<a@-b.test>", false)]       // label starts with a hyphen
    [InlineData("FROM:<a..b@c.test>", false)]     // empty atom
    [InlineData("FROM:<a@b.test> SIZE=x", true)]  // RFC 1870 §6: SIZE is a number
    [InlineData("FROM:<a@b.test> BODY=BINARYMIME", true)] // not advertised
    [InlineData("FROM:<a@b.test> XFOO", true)]
    [InlineData("TO:<a@b.test>", false)]
    [InlineData("", false)]
    public void Bad_mail_from_is_refused(string arguments, bool badParameter)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(arguments));
        Assert.False(reader.TryReadMailFrom(out _, out var bad));
        Assert.Equal(badParameter, bad);
    }

    [Theory]
    [InlineData("TO:<jones@xyz.com>", "jones@xyz.com", null, null)]
    [InlineData("TO:<Postmaster>", "Postmaster", null, null)]  // §4.1.1.3: the one path without a domain
    [InlineData("TO:<b@c.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@c.test", "b@c.test", "SUCCESS,FAILURE", "rfc822;b@c.test")] // RFC 3461 §4
    [InlineData("TO:<b@c.test> NOTIFY=NEVER,SUCCESS", null, null, null)] // NEVER stands alone
    [InlineData("TO:<>", null, null, null)]
    public void Rcpt_to_reads_the_forward_path(string arguments, string? expected, string? notify, string? orcpt)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(arguments));
        var ok = reader.TryReadRcptTo(out var rcpt, out _);
        Assert.Equal(expected is not null, ok);
        if (ok)
        {
            Assert.Equal(new RcptCommand(expected!, notify, orcpt), rcpt);
        }
    }

    [Theory]
    [InlineData(" 86 LAST", 86, true)]   // RFC 3030 §4.1
    [InlineData(" 69", 69, false)]
    [InlineData(" 0 LAST", 0, true)]
    public void Bdat_reads_size_and_last(string arguments, long size, bool last)
    {
        var reader = new SmtpCommandReader(Encoding.ASCII.GetBytes(arguments));
        Assert.True(reader.TryReadBdat(out var bdat));
        Assert.Equal(new BdatCommand(size, last), bdat);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" x")]
    [InlineData(" -1")]
    [InlineData(" 12 FIRST")]
    [InlineData(" 9999999999999999999999")]
    public void Bad_bdat_is_refused(string arguments)
    {
        var reader = new SmtpCommandReader(Encoding.ASCII.GetBytes(arguments));
        Assert.False(reader.TryReadBdat(out _));
    }

    [Theory]
    [InlineData("ehlo client.test", "EHLO")]
    [InlineData("QUIT", "QUIT")]
    [InlineData("StartTLS", "STARTTLS")]
    public void Verb_is_case_insensitive(string line, string verb)
    {
        var reader = new SmtpCommandReader(Encoding.ASCII.GetBytes(line));
        Assert.True(reader.TryReadVerb(out var read));
        Assert.Equal(verb, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" EHLO")]
    [InlineData("EH\u00e9LO")]
    [InlineData("\u0000\u0001")]
    public void Garbage_is_not_a_verb(string line)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(line));
        Assert.False(reader.TryReadVerb(out _));
    }
}
