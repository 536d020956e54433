using System.Globalization;

namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// The UIDL unique-id of a message (RFC 1939 §7: 1 to 70 characters from 0x21 to 0x7E, the same for a message in
/// every session). Derived from the IMAP UID and UIDVALIDITY, so it never changes while the message exists and is
/// the same whichever client asks. The layout is Dovecot's default pop3_uidl_format "%08Xu%08Xv", so that a
/// maildrop moved from Dovecot with its UIDs and UIDVALIDITY keeps its unique-ids, and clients do not fetch
/// everything again.
/// </summary>
internal static class UniqueId
{
    public static string For(uint uidValidity, uint uid) =>
        uid.ToString("X8", CultureInfo.InvariantCulture) + uidValidity.ToString("X8", CultureInfo.InvariantCulture);
}
