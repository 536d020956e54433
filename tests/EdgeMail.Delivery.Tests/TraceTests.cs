using System.Net;
using System.Text;
using EdgeMail.Delivery.Trace;

namespace EdgeMail.Delivery.Tests;

/// <summary>The Received line (RFC 5321 §4.4) with the RFC 3848 protocol names.</summary>
public sealed class TraceTests
{
    private static readonly DateTimeOffset When = new(2026, 12, 3, 10, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, false, false, "SMTP")]
    [InlineData(true, false, false, "ESMTP")]
    [InlineData(true, true, false, "ESMTPS")]
    [InlineData(true, false, true, "ESMTPA")]
    [InlineData(true, true, true, "ESMTPSA")]
    [InlineData(false, true, true, "ESMTPSA")]
    [InlineData(false, true, false, "ESMTPS")]
    public void The_protocol_names_are_those_of_RFC_3848(bool extended, bool secure, bool authenticated, string expected) =>
        Assert.Equal(expected, ReceivedTrace.SmtpProtocol(extended, secure, authenticated));

    [Fact]
    public void A_single_recipient_over_tls_is_named()
    {
        var trace = new ReceivedTrace("laptop.lan", IPAddress.Parse("192.168.1.20"), "mail.home.test", "ESMTPS", "c7.1", "using Tls13 with cipher TLS_AES_256_GCM_SHA384", "ann@home.test", When);

        Assert.Equal(
            "Received: from laptop.lan ([192.168.1.20])\r\n\tby mail.home.test (EdgeMail) with ESMTPS id c7.1\r\n\t(using Tls13 with cipher TLS_AES_256_GCM_SHA384)\r\n\tfor <ann@home.test>;\r\n\tThu, 03 Dec 2026 10:30:00 +0000\r\n",
            Encoding.UTF8.GetString(trace.Format()));
    }

    [Theory]
    [InlineData("::ffff:10.0.0.5", "[10.0.0.5]")]
    [InlineData("fd00::1", "[IPv6:fd00::1]")]
    public void Addresses_are_written_as_RFC_5321_literals(string address, string literal)
    {
        var text = Encoding.UTF8.GetString(new ReceivedTrace(null, IPAddress.Parse(address), "mx", "SMTP", "1.1", null, null, When).Format());

        Assert.StartsWith($"Received: from unknown ({literal})\r\n\tby mx (EdgeMail) with SMTP id 1.1;\r\n", text);
    }

    [Fact]
    public void The_client_name_cannot_break_the_line()
    {
        var text = Encoding.UTF8.GetString(new ReceivedTrace("evil (x); by\r\nX-Injected: 1", IPAddress.Loopback, "mx", "SMTP", "1.1", null, null, When).Format());

        Assert.StartsWith("Received: from evilxbyX-Injected:1 ([127.0.0.1])\r\n", text);
        Assert.DoesNotContain("\r\nX-Injected", text);
    }
}
