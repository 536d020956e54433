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
    [InlineData("FROM:<\"alice\"@example.org>", "alice@example.org")]                  // needless quotes, RFC 5322 §3.4.1
    [InlineData("FROM:<\"a.b+c\"@example.org>", "a.b+c@example.org")]                  // a Dot-string quoted
    [InlineData("FROM:<\"a@b.test\"@example.org>", "\"a@b.test\"@example.org")]       // quoting needed: kept
    [InlineData("FROM:<\"a..b\"@example.org>", "\"a..b\"@example.org")]               // not a Dot-string: kept
    [InlineData("FROM:<\"\"@example.org>", "\"\"@example.org")]                       // empty quoted local part: kept
    [InlineData("FROM:<root@[192.0.2.1]>", "root@[192.0.2.1]")]                       // address-literal, §4.1.3
    [InlineData("FROM:<a@b.test> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ314159", "a@b.test")]
    [InlineData("from:<a@b.test>", "a@b.test")]                                       // keywords are case-insensitive, §2.4
    [InlineData("FROM:<a@[IPv6:2001:db8::1]>", "a@[IPv6:2001:db8::1]")]               // IPv6-address-literal, §4.1.3
    [InlineData("FROM:<jörg@exämple.org> SMTPUTF8", "jörg@exämple.org")]               // RFC 6531 §3.3
    [InlineData("FROM:<a@b.test>  SIZE=1", "a@b.test")]                               // Tolerance: doubled spaces
    [InlineData("FROM:<a@b.test> AUTH=<>", "a@b.test")]                               // RFC 4954 §5
    [InlineData("FROM:<o'brien+tag@b.test>", "o'brien+tag@b.test")]                   // atext, RFC 5322 §3.2.3
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
    [InlineData("FROM:<a@b.test> BODY=7bit", "a@b.test", null, false, false, null, null)]
    [InlineData("FROM:<a@b.test> BODY=8bitmime", "a@b.test", null, true, false, null, null)]
    [InlineData("FROM:<a@b.test> RET=full", "a@b.test", null, false, false, "FULL", null)]
    [InlineData("FROM:<> SIZE=0", "", 0L, false, false, null, null)]
    [InlineData("FROM:<a@b.test> size=999999999999", "a@b.test", 999999999999L, false, false, null, null)]
    public void Each_mail_parameter_is_read(string arguments, string path, long? size, bool eightBit, bool utf8, string? ret, string? envid)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(arguments));
        Assert.True(reader.TryReadMailFrom(out var mail, out _));
        Assert.Equal(new MailCommand(path, size, eightBit, utf8, ret, envid), mail);
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
    [InlineData("FROM", false)]
    [InlineData("FROM:", false)]
    [InlineData("FROM:<a@b.test>>", false)]       // ">" is no esmtp-keyword
    [InlineData("FROM:<@a.test b@c.test>", false)] // A-d-l without its colon
    [InlineData("FROM:<@a.test:>", false)]        // A-d-l and no mailbox
    [InlineData("FROM:<a@>", false)]
    [InlineData("FROM:<@b.test>", false)]
    [InlineData("FROM:<a@b..test>", false)]       // empty label
    [InlineData("FROM:<a@b-.test>", false)]       // label ends with a hyphen
    [InlineData("FROM:<a@b_c.test>", false)]      // "_" is not a letter-dig-hyp
    [InlineData("FROM:<a.@b.test>", false)]       // Dot-string ends with a dot
    [InlineData("FROM:<a b@c.test>", false)]      // SP is not atext
    [InlineData("FROM:<\"a\u0001\"@b.test>", false)] // qtextSMTP has no controls
    [InlineData("FROM:<a@[300.1.1.1]>", false)]   // not an IPv4-address-literal
    [InlineData("FROM:<a@[IPv6:zz::1]>", false)]
    [InlineData("FROM:<a@[]>", false)]
    [InlineData("FROM:<a@b.test> SIZE=", false)]  // esmtp-value = 1*(%d33-60 / %d62-126)
    [InlineData("FROM:<a@b.test> =1", false)]     // esmtp-keyword is not empty
    [InlineData("FROM:<a@b.test> SI_ZE=1", false)]
    [InlineData("FROM:<a@b.test> SIZE=1=2", false)] // "=" is not in esmtp-value
    [InlineData("FROM:<a@b.test> ENVID=a\u0001", false)]
    [InlineData("FROM:<a@b.test> SIZE=-1", true)]
    [InlineData("FROM:<a@b.test> SIZE=99999999999999999999", true)]
    [InlineData("FROM:<a@b.test> SIZE", true)]
    [InlineData("FROM:<a@b.test> BODY", true)]
    [InlineData("FROM:<a@b.test> SMTPUTF8=YES", true)] // RFC 6531 §3.4: a keyword without a value
    [InlineData("FROM:<a@b.test> RET=FOO", true)]  // RFC 3461 §4.3: FULL or HDRS
    [InlineData("FROM:<a@b.test> RET", true)]
    [InlineData("FROM:<a@b.test> ENVID", true)]
    [InlineData("FROM:<a@b.test> AUTH", true)]
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
    [InlineData("to:<b@c.test>", "b@c.test", null, null)]
    [InlineData("TO: <b@c.test>", "b@c.test", null, null)]   // Tolerance: space after the colon
    [InlineData("TO:<postmaster>", "Postmaster", null, null)]
    [InlineData("TO:<@hosta.int,@jkl.org:userc@d.bar.org>", "userc@d.bar.org", null, null)] // §4.1.1.3, Appendix C
    [InlineData("TO:<b@c.test> NOTIFY=never", "b@c.test", "NEVER", null)]
    [InlineData("TO:<b@c.test> NOTIFY=DELAY", "b@c.test", "DELAY", null)]
    [InlineData("TO:<b@c.test> ORCPT=rfc822;b+x@c.test", "b@c.test", null, "rfc822;b+x@c.test")]
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
    [InlineData("TO:b@c.test", false)]
    [InlineData("TO:<b>", false)]
    [InlineData("TO:<b@c.test", false)]
    [InlineData("FROM:<b@c.test>", false)]
    [InlineData("TO", false)]
    [InlineData("", false)]
    [InlineData("TO:<b@c.test> NOTIFY=", false)]
    [InlineData("TO:<b@c.test> NOTIFY=SOMETIMES", true)]   // RFC 3461 §4.1
    [InlineData("TO:<b@c.test> NOTIFY=SUCCESS,NEVER", true)]
    [InlineData("TO:<b@c.test> NOTIFY", true)]
    [InlineData("TO:<b@c.test> ORCPT=b@c.test", true)]     // RFC 3461 §4.2: addr-type ";" xtext
    [InlineData("TO:<b@c.test> SIZE=1", true)]             // a MAIL parameter
    public void Bad_rcpt_to_is_refused(string arguments, bool badParameter)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(arguments));
        Assert.False(reader.TryReadRcptTo(out var rcpt, out var bad));
        Assert.Null(rcpt);
        Assert.Equal(badParameter, bad);
    }

    [Theory]
    [InlineData(64, 10, true)]
    [InlineData(65, 10, false)]   // Local-part: at most 64 octets, RFC 5321 §4.5.3.1.1
    [InlineData(64, 189, true)]   // Path: at most 256 octets with the brackets, §4.5.3.1.3
    [InlineData(64, 190, false)]
    public void Mailbox_length_limits_hold(int localLength, int domainLength, bool accepted)
    {
        // The domain: labels of 60 octets or fewer (at most 63, §4.5.3.1.2), then ".test".
        var body = new System.Text.StringBuilder();
        var remaining = domainLength - ".test".Length;
        while (remaining > 61)
        {
            body.Append('d', 60).Append('.');
            remaining -= 61;
        }

        var domain = body.Append('d', remaining).Append(".test").ToString();
        Assert.Equal(domainLength, domain.Length);
        Assert.Equal(accepted, SmtpCommandReader.IsMailbox(new string('l', localLength) + "@" + domain));
    }

    [Theory]
    [InlineData("a@" + "l23456789012345678901234567890123456789012345678901234567890123.test", true)]
    [InlineData("a@" + "l234567890123456789012345678901234567890123456789012345678901234.test", false)] // 64-octet label
    [InlineData("a@-b.test", false)]
    [InlineData("a@b.test", true)]
    [InlineData("a@b", true)]
    [InlineData("\"john smith\"@b.test", true)]
    [InlineData("a@b@c.test", false)]             // "@" is not atext: the last "@" splits, and "a@b" is no local part
    [InlineData("a@[192.0.2.1]", true)]
    public void Mailbox_is_local_part_at_domain_or_address_literal(string mailbox, bool accepted)
    {
        Assert.Equal(accepted, SmtpCommandReader.IsMailbox(mailbox));
    }

    [Theory]
    [InlineData(" 86 LAST", 86, true)]   // RFC 3030 §4.1
    [InlineData(" 69", 69, false)]
    [InlineData(" 0 LAST", 0, true)]
    [InlineData(" 86 last", 86, true)]
    [InlineData("  86  LAST ", 86, true)]  // Tolerance: doubled and trailing spaces
    [InlineData(" 999999999999999999", 999999999999999999, false)]
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
    [InlineData(" 1000000000000000000")]   // 19 digits
    [InlineData("86")]                     // no SP after the verb
    [InlineData(" 86LAST")]
    [InlineData(" 86 LAST x")]
    [InlineData(" 86 LASTLY")]
    public void Bad_bdat_is_refused(string arguments)
    {
        var reader = new SmtpCommandReader(Encoding.ASCII.GetBytes(arguments));
        Assert.False(reader.TryReadBdat(out _));
    }

    [Theory]
    [InlineData("ehlo client.test", "EHLO")]
    [InlineData("QUIT", "QUIT")]
    [InlineData("StartTLS", "STARTTLS")]
    [InlineData("MAIL FROM:<a@b.test>", "MAIL")]
    [InlineData("ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP")]
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
    [InlineData("ABCDEFGHIJKLMNOPQ")]  // longer than any verb
    [InlineData("EHLO\tx")]
    [InlineData("MAIL:FROM")]
    public void Garbage_is_not_a_verb(string line)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(line));
        Assert.False(reader.TryReadVerb(out _));
    }

    [Theory]
    [InlineData("EHLO client.test", "client.test")]
    [InlineData("EHLO   client.test  ", "client.test")]
    [InlineData("EHLO [192.0.2.1]", "[192.0.2.1]")]
    [InlineData("HELP", "")]
    [InlineData("AUTH PLAIN dGVzdA==", "PLAIN dGVzdA==")]
    public void Rest_is_the_argument_after_the_verb_without_its_spaces(string line, string rest)
    {
        var reader = new SmtpCommandReader(Encoding.UTF8.GetBytes(line));
        Assert.True(reader.TryReadVerb(out _));
        reader.TryReadSpaces();
        Assert.Equal(rest, reader.ReadRest());
        Assert.True(reader.End);
    }

    [Fact]
    public void Envid_longer_than_100_characters_is_a_bad_parameter()
    {
        var ok = new SmtpCommandReader(Encoding.ASCII.GetBytes("FROM:<a@b.test> ENVID=" + new string('x', 100)));
        Assert.True(ok.TryReadMailFrom(out var mail, out _));
        Assert.Equal(100, mail!.EnvelopeId!.Length);
        var bad = new SmtpCommandReader(Encoding.ASCII.GetBytes("FROM:<a@b.test> ENVID=" + new string('x', 101)));
        Assert.False(bad.TryReadMailFrom(out _, out var badParameter));
        Assert.True(badParameter);
    }

    [Fact]
    public void A_sequence_split_across_segments_reads_as_one_line()
    {
        var first = new Segment("MAIL FR"u8.ToArray());
        var last = first.Append("OM:<a@b.test> SIZE=5"u8.ToArray());
        var reader = new SmtpCommandReader(new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
        Assert.True(reader.TryReadVerb(out var verb));
        Assert.Equal("MAIL", verb);
        Assert.True(reader.TryReadMailFrom(out var mail, out _));
        Assert.Equal(new MailCommand("a@b.test", 5, false, false, null, null), mail);
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
