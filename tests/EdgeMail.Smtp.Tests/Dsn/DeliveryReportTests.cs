using System.Text;
using EdgeMail.Smtp.Dsn;
using EdgeMail.Store.Queue;
using MimeKit;

namespace EdgeMail.Smtp.Tests.Dsn;

/// <summary>RFC 3464 reports: per-message and per-recipient fields, and what RET asks to return (RFC 3461 §4.3).</summary>
public sealed class DeliveryReportTests
{
    private static readonly byte[] Original = Encoding.ASCII.GetBytes("From: alice@edgemail.local\r\nTo: x@example.net\r\nSubject: lost\r\n\r\nsecret body\r\n");

    private static QueuedMessage Queued(DsnReturn ret) => new(
        7, "alice@edgemail.local", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(5), 1, Original.Length, "ENV42", ret,
        [new QueuedRecipient(3, "x@example.net", "rfc822;X@Example.net", DsnNotify.Default, RecipientState.Failed, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "550 5.1.1 no such user", false)]);

    [Fact]
    public void Headers_only_by_default_with_the_status_fields()
    {
        var queued = Queued(DsnReturn.Default);
        using var report = DeliveryReport.Build(queued, queued.Recipients, new MemoryStream(Original), "mx.test", "edgemail.local", DateTimeOffset.UnixEpoch);

        var body = Assert.IsType<MultipartReport>(report.Body);
        var status = Assert.IsType<MessageDeliveryStatus>(body[1]);
        Assert.Equal("dns; mx.test", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.Equal("ENV42", status.StatusGroups[0]["Original-Envelope-Id"]);
        Assert.Equal("rfc822;X@Example.net", status.StatusGroups[1]["Original-Recipient"]);
        Assert.Equal("5.1.1", status.StatusGroups[1]["Status"]);
        Assert.Equal("smtp; 550 5.1.1 no such user", status.StatusGroups[1]["Diagnostic-Code"]);
        Assert.Equal("text/rfc822-headers", body[2].ContentType.MimeType);
        Assert.DoesNotContain("secret body", body[2].ToString(), StringComparison.Ordinal);
        Assert.Equal("auto-replied", report.Headers["Auto-Submitted"]);
        Assert.Equal("alice@edgemail.local", report.To.Mailboxes.Single().Address);
    }

    [Fact]
    public void Ret_full_returns_the_whole_message()
    {
        var queued = Queued(DsnReturn.Full);
        using var report = DeliveryReport.Build(queued, queued.Recipients, new MemoryStream(Original), "mx.test", "edgemail.local", DateTimeOffset.UnixEpoch);
        var returned = Assert.IsType<MessagePart>(((MultipartReport)report.Body!)[2]);
        Assert.Equal("lost", returned.Message!.Subject);
        Assert.Contains("secret body", returned.Message.TextBody!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("550 5.1.1 no such user", "5.1.1")]
    [InlineData("554 transaction failed", "5.0.0")]
    [InlineData("451 try later", "4.0.0")]
    [InlineData("4.4.7 delivery time expired: upstream unreachable", "4.4.7")]
    [InlineData(null, "4.4.7")]
    public void Status_code_comes_from_the_reply(string? error, string expected) =>
        Assert.Equal(expected, DeliveryReport.StatusCode(error));
}
