using System.CommandLine;
using System.Globalization;
using EdgeMail.Configuration;
using EdgeMail.Hosting;

namespace EdgeMail.Cli;

/// <summary>
/// The verbs on System.CommandLine: each has --help, and the tree gives `edgemail --help` and `--version`. The
/// --Section:Key=value settings are taken out before parsing (<see cref="ConfigurationInput.TakeSettings"/>), since
/// their names are open-ended; --data and --config are options of every verb. `sendmail` is listed here for its
/// help line, but runs on its own parser (<see cref="SendmailOptions"/>).
/// </summary>
internal static class CommandTree
{
    public const string Description = """
        EdgeMail: IMAP, POP3 and SMTP over one mail store.
        Any setting can be given as --Section:Key=value (for example --Imap:Port=143); see the README for the sections.
        """;

    public static RootCommand Build(ConfigurationInput input)
    {
        var data = new Option<string>("--data") { Description = "The data folder (the setting Storage:Path)", HelpName = "DIR", Recursive = true };
        var config = new Option<string>("--config") { Description = "The JSON configuration file (default: edgemail.json in the data folder)", HelpName = "FILE", Recursive = true };
        var root = new RootCommand(Description) { data, config };

        VerbContext Context(ParseResult result, bool maySystemConfig)
        {
            input.ConfigFile = result.GetValue(config);
            if (result.GetValue(data) is { } path)
            {
                input.Settings["Storage:Path"] = path;
            }

            input.MayUseSystemConfig = maySystemConfig;
            return new VerbContext(input);
        }

        var check = new Option<bool>("--check") { Description = "Only load and check the configuration, print whether it is valid and exit (opens no store, binds no port)" };
        var serve = new Command("serve", "Run the mail service (never reads /etc/edgemail/edgemail.json unless given with --config)") { check };
        serve.SetAction((r, ct) => r.GetValue(check)
            ? ServeCommand.CheckAsync(Context(r, maySystemConfig: false))
            : ServeCommand.RunAsync(Context(r, maySystemConfig: false), ct));
        root.Subcommands.Add(serve);

        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var status = new Command("status", "Show the data folder, accounts, the relay queue and what the service listens on") { json };
        status.SetAction((r, ct) => StatusCommand.RunAsync(Context(r, true), r.GetValue(json), ct));
        root.Subcommands.Add(status);

        root.Subcommands.Add(UserCommand(r => Context(r, true)));
        root.Subcommands.Add(QueueCommand(r => Context(r, true)));
        root.Subcommands.Add(DeviceCommand(r => Context(r, true)));
        root.Subcommands.Add(FetchCommand(r => Context(r, true)));

        var close = new Option<bool>("--close") { Description = "Close the window instead" };
        var pair = new Command("pair", "Open the running service's pairing window, as holding the button does (--close closes it)") { close };
        pair.SetAction((r, ct) => PairCommand.RunAsync(Context(r, true), r.GetValue(close), ct));
        root.Subcommands.Add(pair);
        var backupTo = new Argument<string?>("destination") { HelpName = "DEST", Description = "The backup folder (default: Backup:Path); an earlier backup there is brought up to date", Arity = ArgumentArity.ZeroOrOne };
        var encrypt = new Option<bool>("--encrypt") { Description = "Write one encrypted archive file instead of a folder (asks for a passphrase)" };
        var passphraseStdin = new Option<bool>("--passphrase-stdin") { Description = "Read the passphrase from the first line of standard input" };
        var backup = new Command("backup", "Copy the mail, accounts, keys and configuration to a folder while the service runs, and verify the copy") { backupTo, encrypt, passphraseStdin };
        backup.SetAction((r, ct) => BackupCommands.BackupAsync(Context(r, true), r.GetValue(backupTo), r.GetValue(encrypt), r.GetValue(passphraseStdin), ct));
        root.Subcommands.Add(backup);

        var restoreFrom = new Argument<string>("source") { HelpName = "SRC", Description = "A folder, or an encrypted archive, made by edgemail backup" };
        var restorePassphrase = new Option<bool>("--passphrase-stdin") { Description = "Read an encrypted backup's passphrase from the first line of standard input" };
        var restore = new Command("restore", "Put a backup into an empty data folder (--data), then check it") { restoreFrom, restorePassphrase };
        restore.SetAction((r, ct) => BackupCommands.RestoreAsync(Context(r, true), r.GetRequiredValue(restoreFrom), r.GetValue(restorePassphrase), ct));
        root.Subcommands.Add(restore);

        var checkVerb = new Command("check", "Verify the data folder: the database, every body present, its length and SHA-256; files nothing refers to");
        checkVerb.SetAction((r, ct) => BackupCommands.CheckAsync(Context(r, true), ct));
        root.Subcommands.Add(checkVerb);

        root.Subcommands.Add(new Command("sendmail", "Submit a message from standard input, as sendmail(1) does (edgemail sendmail --help)"));
        return root;
    }

    private static Command UserCommand(Func<ParseResult, VerbContext> context)
    {
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input" };
        Argument<string> Address() => new("address") { HelpName = "ADDRESS", Description = "The account's mail address, e.g. alice@edgemail.local" };

        var addAddress = Address();
        var add = new Command("add", "Add an account (asks for its password)") { addAddress, stdin };
        add.SetAction((r, ct) => UserCommands.AddAsync(context(r), r.GetRequiredValue(addAddress), r.GetValue(stdin), ct));

        var list = new Command("list", "List the accounts");
        list.SetAction((r, ct) => UserCommands.ListAsync(context(r), ct));

        var removeAddress = Address();
        var remove = new Command("remove", "Remove an account and its mail") { removeAddress };
        remove.SetAction((r, ct) => UserCommands.RemoveAsync(context(r), r.GetRequiredValue(removeAddress), ct));

        var passwdAddress = Address();
        var passwd = new Command("passwd", "Change an account's password") { passwdAddress, stdin };
        passwd.SetAction((r, ct) => UserCommands.PasswdAsync(context(r), r.GetRequiredValue(passwdAddress), r.GetValue(stdin), ct));

        return new Command("user", "Manage the accounts") { add, list, remove, passwd, TwoFactorCommand(context, Address) };
    }

    private static Command TwoFactorCommand(Func<ParseResult, VerbContext> context, Func<Argument<string>> address)
    {
        var enableAddress = address();
        var enable = new Command("enable", "Begin a TOTP enrolment: prints the secret and its otpauth:// URI for an authenticator app") { enableAddress };
        enable.SetAction((r, ct) => TwoFactorCommands.EnableAsync(context(r), r.GetRequiredValue(enableAddress), ct));

        var confirmAddress = address();
        var code = new Argument<string>("code") { HelpName = "CODE", Description = "The 6-digit code the authenticator app shows now" };
        var confirm = new Command("confirm", "Turn two-factor login on with a code from the app; prints the recovery codes once") { confirmAddress, code };
        confirm.SetAction((r, ct) => TwoFactorCommands.ConfirmAsync(context(r), r.GetRequiredValue(confirmAddress), r.GetRequiredValue(code), ct));

        var disableAddress = address();
        var disable = new Command("disable", "Turn two-factor login off (a lost phone), and drop the recovery codes") { disableAddress };
        disable.SetAction((r, ct) => TwoFactorCommands.DisableAsync(context(r), r.GetRequiredValue(disableAddress), ct));

        return new Command("2fa", "The TOTP second factor of the admin login to the web page") { enable, confirm, disable };
    }

    private static Command DeviceCommand(Func<ParseResult, VerbContext> context)
    {
        Argument<string> Address() => new("address") { HelpName = "ADDRESS", Description = "The account's mail address, e.g. alice@edgemail.local" };
        Argument<string> Name() => new("device name") { HelpName = "NAME", Description = "The device's name, e.g. \"Ann's phone\"" };

        var listAddress = new Argument<string?>("address") { HelpName = "ADDRESS", Description = "Only this account's devices", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the list as JSON" };
        var list = new Command("list", "List the devices (app passwords): name, created, last used and from where") { listAddress, json };
        list.SetAction((r, ct) => DeviceCommands.ListAsync(context(r), r.GetValue(listAddress), r.GetValue(json), ct));

        var addAddress = Address();
        var addName = Name();
        var add = new Command("add", "Make an app password for a device and print it once (no pairing window needed)") { addAddress, addName };
        add.SetAction((r, ct) => DeviceCommands.AddAsync(context(r), r.GetRequiredValue(addAddress), r.GetRequiredValue(addName), ct));

        var revokeAddress = Address();
        var revokeName = Name();
        var revoke = new Command("revoke", "Revoke a device's app password; the running service ends its open sessions at once") { revokeAddress, revokeName };
        revoke.SetAction((r, ct) => DeviceCommands.RevokeAsync(context(r), r.GetRequiredValue(revokeAddress), r.GetRequiredValue(revokeName), ct));

        return new Command("device", "The devices of an account: one app password each") { list, add, revoke };
    }

    private static Command FetchCommand(Func<ParseResult, VerbContext> context)
    {
        Argument<string> Name() => new("name") { HelpName = "NAME", Description = "The fetch account's name, e.g. provider" };

        var addName = Name();
        var protocol = new Option<string>("--protocol") { Description = "imap or pop3", DefaultValueFactory = _ => "imap" };
        var host = new Option<string>("--host") { Description = "The provider's IMAP or POP3 server", Required = true, HelpName = "HOST" };
        var port = new Option<int?>("--port") { Description = "Default: 993 (IMAP), 995 (POP3); 143 and 110 with --starttls", HelpName = "PORT" };
        var startTls = new Option<bool>("--starttls") { Description = "Connect in plain text and upgrade with STARTTLS/STLS (default: TLS from the start)" };
        var user = new Option<string>("--user") { Description = "The user name at the provider", Required = true, HelpName = "USER" };
        var to = new Option<string>("--to") { Description = "The local account the mail goes to", Required = true, HelpName = "ADDRESS" };
        var mailbox = new Option<string>("--mailbox") { Description = "The local mailbox (default INBOX; made when missing)", DefaultValueFactory = _ => "INBOX", HelpName = "MAILBOX" };
        var folder = new Option<string[]>("--folder") { Description = "A remote folder to fetch (IMAP; repeat for more; default INBOX)", HelpName = "FOLDER", AllowMultipleArgumentsPerToken = false };
        var interval = new Option<string>("--interval") { Description = "How often to look (default 5m; IMAP IDLE brings INBOX mail at once)", DefaultValueFactory = _ => "5m", HelpName = "DURATION" };
        var remote = new Option<string>("--remote") { Description = "What to do at the provider once a message is safely here: keep, delete or move:FOLDER", DefaultValueFactory = _ => "keep", HelpName = "ACTION" };
        var insecure = new Option<bool>("--insecure-tls") { Description = "Do not check the provider's certificate (a last resort: the password can then be stolen on the way)" };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the provider password from the first line of standard input" };
        var add = new Command("add", "Add a provider mailbox to pull mail from (asks for its password)") { addName, protocol, host, port, startTls, user, to, mailbox, folder, interval, remote, insecure, stdin };
        add.SetAction((r, ct) => FetchCommands.AddAsync(context(r), new FetchCommands.AddArguments(
            r.GetRequiredValue(addName), r.GetValue(protocol)!, r.GetRequiredValue(host), r.GetValue(port), r.GetValue(startTls), r.GetRequiredValue(user),
            r.GetRequiredValue(to), r.GetValue(mailbox)!, r.GetValue(folder) ?? [], r.GetValue(interval)!, r.GetValue(remote)!, r.GetValue(insecure), r.GetValue(stdin)), ct));

        var list = new Command("list", "List the fetch accounts");
        list.SetAction((r, ct) => FetchCommands.ListAsync(context(r), ct));

        var removeName = Name();
        var remove = new Command("remove", "Stop pulling from a fetch account (the mail already here stays)") { removeName };
        remove.SetAction((r, ct) => FetchCommands.RemoveAsync(context(r), r.GetRequiredValue(removeName), ct));

        var runName = new Argument<string?>("name") { HelpName = "NAME", Description = "Only this fetch account", Arity = ArgumentArity.ZeroOrOne };
        var run = new Command("run", "Fetch now, in the running service, and say what came") { runName };
        run.SetAction((r, ct) => FetchCommands.RunAsync(context(r), r.GetValue(runName), ct));

        var json = new Option<bool>("--json") { Description = "Print the state as JSON" };
        var status = new Command("status", "How each fetch account goes: last success, last error, messages fetched, next attempt") { json };
        status.SetAction((r, ct) => FetchCommands.StatusAsync(context(r), r.GetValue(json), ct));

        return new Command("fetch", "Mail pulled from a provider's mailbox (IMAP or POP3) into a local account") { add, list, remove, run, status };
    }

    private static Command QueueCommand(Func<ParseResult, VerbContext> context)
    {
        var list = new Command("list", "List the messages waiting for the upstream relay");
        list.SetAction((r, ct) => QueueCommands.ListAsync(context(r), ct));

        var flush = new Command("flush", "Make every waiting recipient due now (the running service sends them at once)");
        flush.SetAction((r, ct) => QueueCommands.FlushAsync(context(r), ct));

        var id = new Argument<long>("queue id")
        {
            HelpName = "ID",
            Description = "The message's id, as `edgemail queue list` shows it",
            CustomParser = result =>
            {
                var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }

                result.AddError($"'{token}' is not a queue id (see edgemail queue list)");
                return 0;
            },
        };
        var delete = new Command("delete", "Delete a queued message without sending it") { id };
        delete.SetAction((r, ct) => QueueCommands.DeleteAsync(context(r), r.GetRequiredValue(id), ct));

        return new Command("queue", "The relay queue: mail waiting for the upstream") { list, flush, delete };
    }
}
