using System.Net;
using System.Net.Sockets;
using EdgeMail.Configuration;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Utils;

namespace EdgeMail;

/// <summary>
/// `edgemail sendmail` (and edgemail invoked as `sendmail`): the sendmail command line that cron, NAS boxes and scripts
/// expect. The message is submitted over SMTP to the running service on loopback (Smtp:Port), so it takes exactly the
/// path of any LAN client: the same relay policy (loopback is trusted by default), the same durable delivery, no second
/// writer beside the service's lock. When no service answers, it fails at once with one line and exit code 75
/// (EX_TEMPFAIL, sysexits.h), which cron reports and scripts can retry; nothing is queued silently.
/// </summary>
internal static class SendmailCommand
{
    /// <summary>EX_TEMPFAIL from sysexits.h: try again later (the service is not running, or answered 4xx).</summary>
    public const int TemporaryFailure = 75;

    private const string Name = "sendmail";

    public static bool IsInvokedAsSendmail()
    {
        var path = Environment.ProcessPath;
        var argv0 = Environment.GetCommandLineArgs().FirstOrDefault();
        return string.Equals(Path.GetFileName(path), Name, StringComparison.Ordinal) ||
            (argv0 is not null && string.Equals(Path.GetFileName(argv0), Name, StringComparison.Ordinal));
    }

    /// <summary>Splits edgemail's own switches (--data DIR, --config FILE, --Section:Key=value) from sendmail's.</summary>
    public static (string[] Own, string[] Sendmail) SplitArguments(string[] args)
    {
        var own = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Length > 2)
            {
                own.Add(args[i]);
                if (args[i] is "--data" or "--config" && i + 1 < args.Length)
                {
                    own.Add(args[++i]);
                }
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (own.ToArray(), rest.ToArray());
    }

    public static async Task<int> RunAsync(string[] args, EdgeMailSettings settings, Stream input)
    {
        var options = SendmailOptions.Parse(args);
        var message = await ReadMessageAsync(input, options.IgnoreDots).ConfigureAwait(false);
        var recipients = options.Recipients.Select(MailboxAddress.Parse).ToList();
        if (options.ExtractRecipients)
        {
            // -t (Postfix semantics): the header recipients are added to those on the command line; Bcc is not sent on.
            recipients.AddRange(message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes));
        }

        if (recipients.Count == 0)
        {
            throw new UsageException("sendmail: no recipients (give them as arguments, or use -t)");
        }

        var sender = options.Sender ?? $"{Environment.UserName}@{settings.Domains[0]}";
        var senderAddress = sender.Length == 0 ? new MailboxAddress("", "") : MailboxAddress.Parse(sender);
        if (message.From.Count == 0)
        {
            message.From.Add(new MailboxAddress(options.FullName ?? "", senderAddress.Address));
        }

        if (!message.Headers.Contains(HeaderId.Date))
        {
            message.Date = DateTimeOffset.Now;
        }

        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = MimeUtils.GenerateMessageId(settings.Domains[0]);
        }

        if (settings.Smtp.Port == 0)
        {
            await Console.Error.WriteLineAsync("edgemail: sendmail: the SMTP intake is off (Smtp:Port is 0)").ConfigureAwait(false);
            return TemporaryFailure;
        }

        var host = ServiceAddress(settings);
        using var client = new SmtpClient { Timeout = 60_000 };
        try
        {
            await client.ConnectAsync(host.ToString(), settings.Smtp.Port, SecureSocketOptions.None).ConfigureAwait(false);
            await client.SendAsync(message, senderAddress, recipients.DistinctBy(r => r.Address, StringComparer.OrdinalIgnoreCase)).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true).ConfigureAwait(false);
            return Cli.Ok;
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"edgemail: sendmail: no mail service answers on {host}:{settings.Smtp.Port} (is `edgemail serve` running?): {Cli.OneLine(ex.Message)}").ConfigureAwait(false);
            return TemporaryFailure;
        }
        catch (SmtpCommandException ex)
        {
            await Console.Error.WriteLineAsync($"edgemail: sendmail: the mail service refused the message: {(int)ex.StatusCode} {Cli.OneLine(ex.Message)}").ConfigureAwait(false);
            return (int)ex.StatusCode >= 500 ? Cli.Failure : TemporaryFailure;
        }
    }

    /// <summary>Loopback when the service listens on it or on every address, else the first configured address.</summary>
    private static IPAddress ServiceAddress(EdgeMailSettings settings)
    {
        var addresses = settings.Network.GetBindAddresses();
        if (addresses.Any(a => a.Equals(IPAddress.Any) || IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork))
        {
            return IPAddress.Loopback;
        }

        if (addresses.Any(a => a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.IPv6Loopback)))
        {
            return IPAddress.IPv6Loopback;
        }

        return addresses.Count > 0 ? addresses[0] : IPAddress.Loopback;
    }

    /// <summary>Standard input up to its end, or (without -i) up to a line with a single dot, as sendmail reads it.</summary>
    private static async Task<MimeMessage> ReadMessageAsync(Stream input, bool ignoreDots)
    {
        var buffer = new MemoryStream();
        using (var reader = new StreamReader(input, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            string? line;
            while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                if (!ignoreDots && line == ".")
                {
                    break;
                }

                var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\r\n");
                buffer.Write(bytes);
            }
        }

        buffer.Position = 0;
        try
        {
            return await MimeMessage.LoadAsync(buffer).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"sendmail: the message on standard input is not a mail message: {ex.Message}");
        }
    }
}
