using System.Globalization;
using System.Text.Json;
using EdgeMail.Auth.Pairing;
using EdgeMail.Control;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail device list [ADDRESS] [--json] | add ADDRESS NAME | revoke ADDRESS NAME`: the app passwords, one per
/// device. `add` works without a pairing window (the command line is the admin's) and beside a running service
/// (SQLite locking). `revoke` goes through the running service when there is one, so that the sessions the app
/// password opened end at once; without one it deletes the app password in the store.
/// </summary>
internal static class DeviceCommands
{
    public static async Task<int> ListAsync(VerbContext context, string? address, bool json, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var accounts = address is null
            ? await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false)
            : [await RequireAccountAsync(store, address, cancellationToken).ConfigureAwait(false)];
        var entries = new List<DeviceEntry>();
        foreach (var account in accounts)
        {
            foreach (var device in await store.ListAppPasswordsAsync(account.Id, cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new DeviceEntry { Account = account.Address, Name = device.Name, Created = device.Created, LastUsed = device.LastUsed, LastUsedFrom = device.LastUsedFrom });
            }
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(entries, DeviceJsonContext.Default.ListDeviceEntry));
            return CliProgram.Ok;
        }

        if (entries.Count == 0)
        {
            Console.WriteLine(address is null ? "no devices (edgemail device add ADDRESS NAME, or pair one)" : $"{AddressRules.Normalize(address)} has no devices");
            return CliProgram.Ok;
        }

        var nameWidth = Math.Max("DEVICE".Length, entries.Max(e => e.Name.Length));
        var accountWidth = Math.Max("ACCOUNT".Length, entries.Max(e => e.Account.Length));
        Console.WriteLine($"{"ACCOUNT".PadRight(accountWidth)}  {"DEVICE".PadRight(nameWidth)}  {"CREATED",-20}  {"LAST USED",-20}  FROM");
        foreach (var e in entries)
        {
            var used = e.LastUsed is { } at ? Time(at) : "never";
            Console.WriteLine($"{e.Account.PadRight(accountWidth)}  {e.Name.PadRight(nameWidth)}  {Time(e.Created),-20}  {used,-20}  {e.LastUsedFrom ?? "-"}");
        }

        return CliProgram.Ok;
    }

    public static async Task<int> AddAsync(VerbContext context, string address, string name, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var account = await RequireAccountAsync(store, address, cancellationToken).ConfigureAwait(false);
        var made = await AppPasswords.AddAsync(store, account, name, cancellationToken).ConfigureAwait(false);

        // The only time the password is shown: it is stored as a SCRAM secret, from which it cannot be read back.
        Console.WriteLine($"app password for {made.Device.Name} on {made.Account.Address} (shown only now; the dashes are part of it):");
        Console.WriteLine(made.Password);
        return CliProgram.Ok;
    }

    public static async Task<int> RevokeAsync(VerbContext context, string address, string name, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var answer = await ControlClient.TryAsync(context.DataPath, new ControlRequest { Verb = "device revoke", Arguments = [address, name] }, settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is not null)
        {
            return QueueCommands.Report(answer);
        }

        await using var store = DataFolder.OpenAdmin(settings);
        var account = await RequireAccountAsync(store, address, cancellationToken).ConfigureAwait(false);
        if (await store.RevokeAppPasswordAsync(account.Id, name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new StoreException(StoreError.NotFound, $"{account.Address} has no device named {name} (see edgemail device list {account.Address})");
        }

        Console.WriteLine($"revoked {name} of {account.Address} (no service is running, so no session was open)");
        return CliProgram.Ok;
    }

    private static async Task<Account> RequireAccountAsync(MailStore store, string address, CancellationToken cancellationToken) =>
        await store.FindAccountAsync(address, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, $"no account {address} (see edgemail user list)");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
