using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Testing;

/// <summary>Mail as a LAN device (a scanner) sends it: plain text, over SMTP without AUTH (loopback is trusted).</summary>
public static class LanMail
{
    public const string Scanner = "scanner@lan.test";

    public static MimeMessage Message(string to, string subject, string text = "page 1")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Scanner));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>Sends one message to the SMTP port on 127.0.0.1 and returns once the server answered 250.</summary>
    public static async Task SendAsync(int port, string to, string subject, string text = "page 1")
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await smtp.SendAsync(Message(to, subject, text));
        await smtp.DisconnectAsync(true);
    }
}
