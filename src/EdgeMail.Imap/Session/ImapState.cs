namespace EdgeMail.Imap.Session;

/// <summary>The session states of RFC 9051 §3, as flags so a command can allow several.</summary>
[Flags]
internal enum ImapState
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,
    Logout = 8,
    Any = NotAuthenticated | Authenticated | Selected,
    Auth = Authenticated | Selected,
}
