namespace EdgeMail.Web.Pairing;

/// <summary>
/// What a successful pairing shows once (the page) or answers (<c>POST /api/pair</c>): the account, the device, its new
/// app password, the settings a mail client needs, the CA's fingerprint, for the form's answer the one-time link a
/// phone scans (null in the phone's own answer), and a one-time download of the Apple profile with the password in it.
/// </summary>
public sealed record PairAnswer(
    string Account,
    string DeviceName,
    string AppPassword,
    bool CreatedAccount,
    MailSettings Settings,
    string? CaFingerprintSha256,
    string? PhoneLink,
    string? PhoneLinkState,
    string? AppleProfileLink = null);

/// <summary>The server a client connects to, the user name (the full address), and each service with its port and TLS mode.</summary>
public sealed record MailSettings(string HostName, string UserName, IReadOnlyList<ServerAnswer> Servers);

/// <summary>One service: <c>imap</c>, <c>pop3</c> or <c>smtp</c>; its port; <c>ssl</c> (implicit TLS) or <c>starttls</c>.</summary>
public sealed record ServerAnswer(string Protocol, int Port, string Security);

/// <summary><c>POST /api/pair</c>'s body.</summary>
public sealed record PairRequestBody(string? Account, string? Password, string? DeviceName);

/// <summary>The state of a phone link: <c>waiting</c>, <c>used</c>, <c>expired</c>.</summary>
public sealed record PhoneLinkState(string State);
