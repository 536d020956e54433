using System.Globalization;
using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.4.5 FETCH, §7.5.2 FETCH response, §6.4.9 UID FETCH; RFC 3516 BINARY; RFC 7162 §3.1.4 CHANGEDSINCE
// and MODSEQ, §3.2.6 VANISHED.
internal static class Fetch
{
    public static Task<CommandResult> FetchAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: false, cancellationToken);

    public static Task<CommandResult> UidFetchAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: true, cancellationToken);

    private static async Task<CommandResult> RunAsync(ImapSession session, ImapCommand command, bool byUid, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        var request = FetchParser.Parse(ref args);
        var selected = session.RequireSelected();
        if (byUid)
        {
            // RFC 9051 §6.4.9: UID FETCH always includes UID.
            request.Uid = true;
        }

        if (request.ModSeq)
        {
            session.Enabled.Add("CONDSTORE");
        }

        if (request.Vanished && (!byUid || !session.QResync))
        {
            // RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only with QRESYNC enabled.
            throw ImapException.Bad(null, "VANISHED needs UID FETCH and ENABLE QRESYNC");
        }

        var uids = MessageSet.Resolve(selected, request.Set, byUid, session.Options.MaxMessagesPerCommand);
        uids.RemoveAll(selected.Expunged.Contains);
        if (request.Vanished)
        {
            var vanished = (await session.Store.ListExpungedSinceAsync(selected.Id, request.ChangedSince!.Value, cancellationToken).ConfigureAwait(false))
                .Where(u => request.Set.Contains(u, selected.MaxUid)).ToList();
            if (vanished.Count > 0)
            {
                session.Writer.Raw("* VANISHED (EARLIER) ").Raw(SequenceSet.Format(vanished)).Crlf();
            }
        }

        if (uids.Count == 0)
        {
            return CommandResult.Done("FETCH completed");
        }

        var seenChanged = new HashSet<uint>();
        if (request.SetsSeen && !selected.ReadOnly)
        {
            // RFC 9051 §6.4.5: BODY[...] sets \Seen; the FETCH response then includes FLAGS.
            var stored = await session.Store.StoreFlagsAsync(selected.Id, uids, FlagOperation.Add, MessageFlags.Seen, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var change in stored.Changed)
            {
                selected.OwnModSeqs.Add((change.Uid, change.ModSeq));
                seenChanged.Add(change.Uid);
            }
        }

        var wanted = new HashSet<uint>(uids);
        var failed = false;
        await foreach (var (message, summary) in ReadAsync(session.Store, selected.Id, uids, request.NeedsSummary, cancellationToken).ConfigureAwait(false))
        {
            if (!wanted.Contains(message.Uid) || (request.ChangedSince is { } since && message.ModSeq <= since))
            {
                continue;
            }

            var seq = selected.SequenceOf(message.Uid);
            if (!await WriteMessageAsync(session, request, message, summary, seq, seenChanged.Contains(message.Uid), cancellationToken).ConfigureAwait(false))
            {
                failed = true;
            }

            if (session.Writer.Unflushed > 64 * 1024)
            {
                await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return failed
            ? CommandResult.No("UNKNOWN-CTE", "some parts have a Content-Transfer-Encoding that cannot be decoded")
            : CommandResult.Done("FETCH completed");
    }

    private static async Task<bool> WriteMessageAsync(ImapSession session, FetchRequest request, MessageRecord message, MessageSummary? summary, int seq, bool seenChanged, CancellationToken cancellationToken)
    {
        // The message as served, with CRLF line ends: for mail stored with bare LFs before delivery converted them,
        // size, summary and body all come from one converted copy (MailStore.ViewAsync), so they agree.
        await using var view = summary is null ? null : await session.Store.ViewAsync(message, summary, cancellationToken).ConfigureAwait(false);
        summary = view?.Summary;
        var w = session.Writer;
        var ok = true;
        var first = true;
        void Next()
        {
            if (!first)
            {
                w.Space();
            }

            first = false;
        }

        w.Raw("* ").Number(seq).Raw(" FETCH (");
        if (request.Uid)
        {
            Next();
            w.Raw("UID ").Number(message.Uid);
        }

        if (request.Flags || seenChanged)
        {
            Next();
            w.Raw("FLAGS ").Raw(ImapSession.FlagsText(message.Flags, message.Keywords));
        }

        if (request.InternalDate)
        {
            Next();
            w.Raw("INTERNALDATE \"").Raw(FormatDate(message.InternalDate)).Raw("\"");
        }

        if (request.Size)
        {
            Next();
            w.Raw("RFC822.SIZE ").Number(view?.Size ?? message.Size);
        }

        if (request.ModSeq || (session.CondStore && seenChanged))
        {
            Next();
            w.Raw("MODSEQ (").Number(message.ModSeq).Raw(")");
        }

        if (request.Envelope)
        {
            Next();
            w.Raw("ENVELOPE ");
            EnvelopeWriter.Write(w, summary!.Envelope);
        }

        if (request.Body)
        {
            Next();
            w.Raw("BODY ");
            BodyStructureWriter.Write(w, summary!.Body, extended: false);
        }

        if (request.BodyStructure)
        {
            Next();
            w.Raw("BODYSTRUCTURE ");
            BodyStructureWriter.Write(w, summary!.Body, extended: true);
        }

        if (request.Sections.Count > 0)
        {
            await using var body = await view!.OpenBodyAsync(cancellationToken).ConfigureAwait(false);
            foreach (var item in request.Sections)
            {
                Next();
                ok &= await WriteSectionAsync(session, item, summary!.Body, view.Size, body, cancellationToken).ConfigureAwait(false);
            }
        }

        w.Raw(")\r\n");
        return ok;
    }

    private static async Task<bool> WriteSectionAsync(ImapSession session, SectionItem item, BodyPart root, long size, Stream body, CancellationToken cancellationToken)
    {
        var w = session.Writer;
        w.Raw(item.Label);
        if (item.Binary)
        {
            // RFC 3516 §4.2: any part may be asked for, a multipart or message/rfc822 one too (its content as it stands).
            var part = item.Part.Count == 0 ? root : SectionReader.Resolve(root, item.Part);
            if (part is null)
            {
                w.Raw(item.SizeOnly ? " 0" : " NIL");
                return true;
            }

            // BINARY[] is the stored message itself (RFC 3516 §4.2); a part is decoded.
            var whole = item.Part.Count == 0;
            Stream decoded;
            try
            {
                decoded = whole
                    ? body
                    : await SectionReader.DecodeAsync(body, part, Path.Combine(session.Store.DataPath, "tmp"), cancellationToken).ConfigureAwait(false);
            }
            catch (ContentDecoder.UndecodableException)
            {
                // RFC 3516 §4.3: the item is left out and the command ends NO [UNKNOWN-CTE]; NIL keeps the syntax.
                w.Raw(" NIL");
                return false;
            }

            try
            {
                if (item.SizeOnly)
                {
                    w.Space().Number(decoded.Length);
                    return true;
                }

                var (start, length) = Partial(item, decoded.Length);
                if (item.PartialStart is { } origin)
                {
                    w.Raw("<").Number(origin).Raw(">");
                }

                decoded.Seek(start, SeekOrigin.Begin);
                w.Space();
                await w.LiteralAsync(decoded, length, binary: true, cancellationToken).ConfigureAwait(false);
                return true;
            }
            finally
            {
                // The message's own stream belongs to the caller.
                if (!whole)
                {
                    await decoded.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        var range = SectionReader.Range(root, size, item);
        if (range is null)
        {
            w.Raw(" NIL");
            return true;
        }

        var (offset, total) = range.Value;
        if (item.Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
        {
            var header = new byte[total];
            body.Seek(offset, SeekOrigin.Begin);
            await body.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var filtered = SectionReader.FilterHeader(header, item.Fields!, item.Text == SectionText.HeaderFieldsNot);
            var (fs, fl) = Partial(item, filtered.Length);
            if (item.PartialStart is { } o)
            {
                w.Raw("<").Number(o).Raw(">");
            }

            w.Space().Literal(filtered.AsSpan((int)fs, (int)fl));
            return true;
        }

        var (from, count) = Partial(item, total);
        if (item.PartialStart is { } origin2)
        {
            w.Raw("<").Number(origin2).Raw(">");
        }

        body.Seek(offset + from, SeekOrigin.Begin);
        w.Space();
        await w.LiteralAsync(body, count, binary: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The requested messages, read range by range: UIDs closer than <see cref="GapUids"/> share one range query, so
    /// "1:*" is one pass and three scattered UIDs in a 100,000-message mailbox are three short lookups, not a scan.
    /// </summary>
    private static async IAsyncEnumerable<(MessageRecord Record, MessageSummary? Summary)> ReadAsync(EdgeMail.Store.MailStore store, long mailboxId, List<uint> uids, bool summaries, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < uids.Count)
        {
            var end = start;
            while (end + 1 < uids.Count && uids[end + 1] - uids[end] <= GapUids)
            {
                end++;
            }

            if (summaries)
            {
                await foreach (var (record, summary) in store.EnumerateWithSummariesAsync(mailboxId, uids[start], uids[end], cancellationToken).ConfigureAwait(false))
                {
                    yield return (record, summary);
                }
            }
            else
            {
                await foreach (var record in store.EnumerateAsync(mailboxId, uids[start], uids[end], cancellationToken).ConfigureAwait(false))
                {
                    yield return (record, null);
                }
            }

            start = end + 1;
        }
    }

    private const uint GapUids = 64;

    /// <summary>RFC 9051 §6.4.5: &lt;origin.count&gt; past the end gives an empty string; a short tail gives what there is.</summary>
    private static (long Start, long Length) Partial(SectionItem item, long total)
    {
        if (item.PartialStart is not { } start)
        {
            return (0, total);
        }

        if (start >= total)
        {
            return (total, 0);
        }

        return (start, Math.Min(item.PartialCount!.Value, total - start));
    }

    /// <summary>date-time (RFC 9051 §9): "dd-Mon-yyyy hh:mm:ss +zzzz".</summary>
    internal static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }
}
