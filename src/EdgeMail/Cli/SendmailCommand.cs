using System.Net;
using System.Net.Sockets;
using EdgeMail.Configuration;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Utils;

namespace EdgeMail.Cli;

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

    public const string Help = """
        Usage: sendmail [options] [recipient ...] < message
               edgemail sendmail [options] [recipient ...] < message

        Submits the message on standard input to the running service over SMTP (Smtp:Port on loopback).
        Exit codes: 0 sent, 2 bad usage or message, 75 (EX_TEMPFAIL) no service answers or a temporary refusal,
        1 refused.

          -t              also send to the To, Cc and Bcc header recipients (Bcc is not sent on)
          -i, -oi         a line with a single dot does not end the message
          -f SENDER       the envelope sender (also -fSENDER, -r SENDER); default the user at the first domain
          -F NAME         the sender's full name, for a From header the message lacks
          -o..., -B, -N, -R, -V, -bm, -v, -U, -em, -ep, -eq
                          accepted for compatibility; the service decides
          --data DIR, --config FILE, --Section:Key=value
                          edgemail's own settings, as for every verb
        """;

    /// <summary>
    /// Whether the program was started under the name sendmail: a link /usr/sbin/sendmail to the edgemail binary.
    /// The published binary sees its link name in argv[0]; a framework-dependent build started through its apphost
    /// (the `edgemail` beside edgemail.dll) reports edgemail.dll there, so argv[0] is read from /proc/self/cmdline.
    /// </summary>
    public static bool IsInvokedAsSendmail()
    {
        var argv0 = Environment.GetCommandLineArgs().FirstOrDefault();
        return IsSendmail(Environment.ProcessPath) || IsSendmail(argv0) || IsSendmail(ProcessArgv0());
    }

    private static bool IsSendmail(string? path) => path is not null && string.Equals(Path.GetFileName(path), Name, StringComparison.Ordinal);

    private static string? ProcessArgv0()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(cmdline, (byte)0);
            return System.Text.Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Splits edgemail's own switches (--data DIR, --config FILE, --Section:Key=value) from sendmail's.</summary>
    public static (ConfigurationInput Own, string[] Sendmail) SplitArguments(string[] args)
    {
        var own = new ConfigurationInput { MayUseSystemConfig = true };
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value(string name) => arg.Length > name.Length + 2 && arg[name.Length + 2] == '='
                ? arg[(name.Length + 3)..]
                : i + 1 < args.Length ? args[++i] : throw new UsageException($"sendmail: --{name} needs a value");

            if (arg == "--data" || arg.StartsWith("--data=", StringComparison.Ordinal))
            {
                own.Settings["Storage:Path"] = Value("data");
            }
            else if (arg == "--config" || arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                own.ConfigFile = Value("config");
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                if (own.TakeSettings([arg]).Length > 0)
                {
                    throw new UsageException($"sendmail: unknown option {arg} (edgemail's settings are given as --Section:Key=value)");
                }
            }
            else
            {
                rest.Add(arg);
            }
        }

        return (own, rest.ToArray());
    }

    /// <summary>
    /// sendmail keeps its own parser: its flags glue their values on (-fsender, -oi, -odb, -FName) and the -o family is
    /// open-ended, which System.CommandLine's declared options cannot express without changing what scripts pass.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Stream input)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(Help);
            return CliProgram.Ok;
        }

        var (own, sendmailArgs) = SplitArguments(args);
        var settings = EdgeMailConfiguration.Bind(EdgeMailConfiguration.Build(own));
        return await SendAsync(sendmailArgs, settings, input).ConfigureAwait(false);
    }

    private static async Task<int> SendAsync(string[] args, EdgeMailSettings settings, Stream input)
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
            return CliProgram.Ok;
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"edgemail: sendmail: no mail service answers on {host}:{settings.Smtp.Port} (is `edgemail serve` running?): {CliProgram.OneLine(ex.Message)}").ConfigureAwait(false);
            return TemporaryFailure;
        }
        catch (SmtpCommandException ex)
        {
            await Console.Error.WriteLineAsync($"edgemail: sendmail: the mail service refused the message: {(int)ex.StatusCode} {CliProgram.OneLine(ex.Message)}").ConfigureAwait(false);
            return (int)ex.StatusCode >= 500 ? CliProgram.Failure : TemporaryFailure;
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
