namespace EdgeMail.Imap.Session;

// RFC 7162 §3.1: CONDSTORE is turned on by ENABLE or by the first command that uses it (SELECT/EXAMINE (CONDSTORE),
// STATUS (HIGHESTMODSEQ), FETCH MODSEQ or CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ).
internal static class CondStoreEnabling
{
    /// <summary>
    /// RFC 7162 §3.1.2.1: when the first CONDSTORE enabling command runs in a mailbox that was selected without
    /// CONDSTORE, the server reports the mailbox's HIGHESTMODSEQ, here as of the updates the command has just sent: in
    /// the tagged OK, or in an untagged OK when the tagged reply carries a code of its own (or is a NO).
    /// </summary>
    public static CommandResult ReportHighestModSeq(ImapSession session, SelectedMailbox? selectedBefore, CommandResult result)
    {
        // A SELECT (CONDSTORE) already said it in its own untagged OK; a command with no mailbox selected has none to report.
        if (session.Selected is not { } selected || !ReferenceEquals(selected, selectedBefore))
        {
            return result;
        }

        if (result.Ok && result.Code is null)
        {
            return result with { Code = "HIGHESTMODSEQ " + selected.HighestModSeq };
        }

        session.Writer.Raw("* OK [HIGHESTMODSEQ ").Number(selected.HighestModSeq).Raw("] CONDSTORE is on\r\n");
        return result;
    }
}
