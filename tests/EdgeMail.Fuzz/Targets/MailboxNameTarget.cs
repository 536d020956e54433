using System.Text;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// The mailbox-name codec as a name arrives in an astring (UTF-8 decoded, as ImapReader does): modified UTF-7 decoding
/// (RFC 3501 §5.1.3) must accept only the one canonical encoding of a name, encoding must always decode back, and
/// MailboxName's normal form must be stable and keep its parent relation.
/// </summary>
internal static class MailboxNameTarget
{
    public static void Run(byte[] input)
    {
        var wire = Encoding.UTF8.GetString(input);

        // RFC 3501 §5.1.3: printable US-ASCII represents itself and runs are minimal, so each name has one encoding.
        if (ModifiedUtf7.TryDecode(wire, out var decoded))
        {
            InvariantViolation.Check(ModifiedUtf7.Encode(decoded) == wire, "a decoded modified UTF-7 name encodes back to the same text");
            Normalize(decoded);
        }

        var encoded = ModifiedUtf7.Encode(wire);
        InvariantViolation.Check(encoded.All(c => c is >= ' ' and <= '~'), "modified UTF-7 is printable US-ASCII");
        InvariantViolation.Check(ModifiedUtf7.TryDecode(encoded, out var back) && back == wire, "every UTF-8 name survives modified UTF-7 both ways");
        Normalize(wire);
    }

    private static void Normalize(string name)
    {
        if (!MailboxName.TryNormalize(name, out var normalized, out var error))
        {
            InvariantViolation.Check(!string.IsNullOrEmpty(error), "a refused name says why");
            return;
        }

        InvariantViolation.Check(error is null, "an accepted name has no error");
        InvariantViolation.Check(MailboxName.TryNormalize(normalized, out var again, out _) && again == normalized, "a normal name is its own normal form");
        InvariantViolation.Check(normalized.Equals(name, StringComparison.OrdinalIgnoreCase) && normalized.Length == name.Length, "normalizing changes at most the case of INBOX");
        InvariantViolation.Check(Encoding.UTF8.GetByteCount(normalized) <= MailboxName.MaxNameBytes, "an accepted name fits MaxNameBytes");
        InvariantViolation.Check(!normalized.Contains('%', StringComparison.Ordinal) && !normalized.Contains('*', StringComparison.Ordinal), "an accepted name holds no LIST wildcard");
        if (MailboxName.Parent(normalized) is { } parent)
        {
            InvariantViolation.Check(MailboxName.IsDescendant(normalized, parent), "a name is a descendant of its parent");
            InvariantViolation.Check(MailboxName.TryNormalize(parent, out var p, out _) && p == parent, "the parent of a normal name is a normal name");
        }
    }
}
