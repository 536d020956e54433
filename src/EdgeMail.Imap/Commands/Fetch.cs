using System.Globalization;
using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store;
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
            throw ProtocolException.Bad(null, "VANISHED needs UID FETCH and ENABLE QRESYNC");
        }

        var uids = MessageSet.Resolve(selected, request.Set, byUid, session.Options.MaxMessagesPerCommand);
        uids.RemoveAll(selected.IsExpunged);
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
                seenChanged.Add(change.Uid);
            }
        }

        // What the feed brought so far, so that a response below supersedes any older pending change it covers.
        selected.DrainChanges();
        var wanted = new HashSet<uint>(uids);
        var failed = false;
        var answered = 0;
        await foreach (var (message, summary) in ReadAsync(session.Store, selected.Id, uids, request.NeedsSummary, cancellationToken).ConfigureAwait(false))
        {
            if (!wanted.Remove(message.Uid))
            {
                continue;
            }

            answered++;
            if (request.ChangedSince is { } since && message.ModSeq <= since)
            {
                continue;
            }

            // RFC 9051 §7.5.2, §5.5: a FETCH response, once started, is completed. Everything that can fail is
            // decided before its first byte: the message as served (with CRLF line ends, MailStore.ViewAsync) and its
            // body are opened, which keeps the bytes while they are read even if another session expunges the
            // message meanwhile, or the message is skipped when it is already gone.
            MessageView? view = null;
            Stream? body = null;
            try
            {
                view = summary is null ? null : await session.Store.ViewAsync(message, summary, cancellationToken).ConfigureAwait(false);
                body = request.Sections.Count > 0 ? await view!.OpenBodyAsync(cancellationToken).ConfigureAwait(false) : null;
            }
            catch (StoreException ex) when (ex.Error == StoreError.NotFound)
            {
                if (view is not null)
                {
                    await view.DisposeAsync().ConfigureAwait(false);
                }

                answered--;
                continue;
            }

            await using (view)
            await using (body)
            {
                var seq = selected.SequenceOf(message.Uid);
                if (!await WriteMessageAsync(session, request, message, view, body, seq, seenChanged.Contains(message.Uid), cancellationToken).ConfigureAwait(false))
                {
                    failed = true;
                }
            }

            if (session.Writer.Unflushed > 64 * 1024)
            {
                await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (failed)
        {
            return CommandResult.No("UNKNOWN-CTE", "some parts have a Content-Transfer-Encoding that cannot be decoded");
        }

        // RFC 2180 §4.1.3, RFC 5530 EXPUNGEISSUED: messages another session expunged while this FETCH ran get no
        // response; their EXPUNGE follows after the command (RFC 9051 §7.5.1).
        return answered < uids.Count
            ? CommandResult.WithCode("EXPUNGEISSUED", "FETCH completed; some messages were expunged meanwhile")
            : CommandResult.Done("FETCH completed");
    }

    private static async Task<bool> WriteMessageAsync(ImapSession session, FetchRequest request, MessageRecord message, MessageView? view, Stream? body, int seq, bool seenChanged, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteMessageCoreAsync(session, request, message, view, body, seq, seenChanged, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The response is half written and cannot be completed (a read error on the disk): the stream would be
            // corrupt from here on, so the connection ends instead of a glued tagged NO.
            throw new ResponseAbortedException("a FETCH response could not be completed", ex);
        }
    }

    private static async Task<bool> WriteMessageCoreAsync(ImapSession session, FetchRequest request, MessageRecord message, MessageView? view, Stream? body, int seq, bool seenChanged, CancellationToken cancellationToken)
    {
        // For mail stored with bare LFs before delivery converted them, size, summary and body all come from one
        // converted copy (the view), so they agree.
        var summary = view?.Summary;
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

        // Coalescing (ImapSession invariant 7): a response with FLAGS or MODSEQ reports the message's state at its
        // MODSEQ; a pending change from another session that it supersedes is folded in, with FLAGS.
        var external = (request.Flags || seenChanged || request.ModSeq) && session.Selected!.Updates.Reporting(message.Uid, message.ModSeq);
        var flags = request.Flags || seenChanged || external;
        if (flags)
        {
            UpdateProjection.AnnounceKeywords(session, message.Keywords);
        }

        w.Raw("* ").Number(seq).Raw(" FETCH (");
        if (request.Uid)
        {
            Next();
            w.Raw("UID ").Number(message.Uid);
        }

        if (flags)
        {
            Next();
            w.Raw("FLAGS ").Raw(FlagText.Format(message.Flags, message.Keywords, session.Selected!.IsRecent(message.Uid)));
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

        if (request.ModSeq || (session.CondStore && (seenChanged || external)))
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

        if (body is not null)
        {
            foreach (var item in request.Sections)
            {
                Next();
                ok &= await WriteSectionAsync(session, item, summary!.Body, view!.Size, body, cancellationToken).ConfigureAwait(false);
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
                    : await SectionReader.DecodeAsync(body, part, session.Store.CreateTemporaryFile, cancellationToken).ConfigureAwait(false);
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
