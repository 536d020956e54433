namespace EdgeMail.Imap.Tests;

internal static class TestMessages
{
    public static MimeMessage Text(string subject, string body = "Hello there.\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bob Sender", "bob@example.org"));
        message.To.Add(new MailboxAddress("Ann", ImapServer.User));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("example.org");
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}
