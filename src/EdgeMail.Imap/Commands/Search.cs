using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Messages;
using MimeKit;
using MimeKit.Utils;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.4.4 SEARCH, §7.3.4 ESEARCH; RFC 3501 §6.4.4; RFC 4731 ESEARCH return options; RFC 5182 SEARCHRES;
// RFC 7162 §3.1.5 MODSEQ search criterion.
internal static class Search
{
    public static Task<CommandResult> SearchAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: false, cancellationToken);

    public static Task<CommandResult> UidSearchAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: true, cancellationToken);

    private static async Task<CommandResult> RunAsync(ImapSession session, ImapCommand command, bool byUid, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        var request = SearchParser.Parse(ref args);
        if (request.Charset is { } charset && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 9051 §6.4.4: BADCHARSET lists the charsets supported.
            return CommandResult.No("BADCHARSET (UTF-8 US-ASCII)", "unsupported charset");
        }

        var selected = session.RequireSelected();
        var usesModSeq = Uses<ModSeqKey>(request.Key);
        if (usesModSeq)
        {
            session.Enabled.Add("CONDSTORE");
        }

        var depth = ContentNeeded(request.Key);
        var matches = new List<uint>();
        var modSeqs = new List<ulong>();
        ulong highestModSeq = 0;
        var messages = session.Store.EnumerateAsync(selected.Id, cancellationToken: cancellationToken);
        if (request.Key is FlagKey { Flag: "SEEN", Negated: true })
        {
            // UNSEEN alone, what every client asks for its new-mail count: answered from the store's index of
            // unseen messages instead of reading every message.
            foreach (var uid in await session.Store.ListUnseenUidsAsync(selected.Id, cancellationToken).ConfigureAwait(false))
            {
                if (selected.SequenceOf(uid) != 0)
                {
                    matches.Add(uid);
                }
            }

            messages = AsyncEnumerable.Empty<MessageRecord>();
        }

        await foreach (var message in messages.ConfigureAwait(false))
        {
            var seq = selected.SequenceOf(message.Uid);
            if (seq == 0)
            {
                continue;
            }

            await using var context = new Candidate(message, seq, selected);
            if (depth != Content.None)
            {
                await context.LoadAsync(session, depth, cancellationToken).ConfigureAwait(false);
            }

            if (Matches(request.Key, context))
            {
                matches.Add(message.Uid);
                modSeqs.Add(message.ModSeq);
                highestModSeq = Math.Max(highestModSeq, message.ModSeq);
            }
        }

        var results = byUid ? matches : matches.Select(u => (uint)selected.SequenceOf(u)).ToList();
        var returns = request.Return;
        if (returns is not null && returns.Contains("SAVE"))
        {
            selected.SavedSearch = matches;
            if (returns.Count == 1)
            {
                return CommandResult.Done("SEARCH completed (saved)");
            }
        }

        var w = session.Writer;
        if (returns is null && !session.IsRev2)
        {
            w.Raw("* SEARCH");
            foreach (var value in results)
            {
                w.Space().Number(value);
            }

            if (usesModSeq && results.Count > 0)
            {
                w.Raw(" (MODSEQ ").Number(highestModSeq).Raw(")");
            }

            w.Crlf();
            return CommandResult.Done("SEARCH completed");
        }

        // RFC 4731 §3.1 / RFC 9051 §7.3.4: ESEARCH, with ALL when no option was given.
        returns ??= ["ALL"];
        w.Raw("* ESEARCH (TAG ").String(command.Tag).Raw(")");
        if (byUid)
        {
            w.Raw(" UID");
        }

        if (results.Count > 0)
        {
            if (returns.Contains("MIN"))
            {
                w.Raw(" MIN ").Number(results.Min());
            }

            if (returns.Contains("MAX"))
            {
                w.Raw(" MAX ").Number(results.Max());
            }
        }

        if (returns.Contains("COUNT"))
        {
            w.Raw(" COUNT ").Number(results.Count);
        }

        if (returns.Contains("ALL") && results.Count > 0)
        {
            w.Raw(" ALL ").Raw(SequenceSet.Format(results.Order()));
        }

        if (usesModSeq && results.Count > 0)
        {
            w.Raw(" MODSEQ ").Number(ReportedModSeq(returns, modSeqs, highestModSeq));
        }

        w.Crlf();
        return CommandResult.Done("SEARCH completed");
    }

    /// <summary>
    /// RFC 4731 §3.2 (with RFC 7162 §3.1.5's MODSEQ): MIN or MAX alone reports the mod-sequence of the message it
    /// names, MIN and MAX the higher of their two; with ALL or COUNT, the highest of all the messages found.
    /// The matches are in ascending order, so MIN is the first and MAX the last.
    /// </summary>
    private static ulong ReportedModSeq(IReadOnlyList<string> returns, List<ulong> modSeqs, ulong highest)
    {
        if (returns.Contains("ALL") || returns.Contains("COUNT") || modSeqs.Count == 0)
        {
            return highest;
        }

        var min = returns.Contains("MIN") ? modSeqs[0] : 0;
        var max = returns.Contains("MAX") ? modSeqs[^1] : 0;
        return min == 0 && max == 0 ? highest : Math.Max(min, max);
    }

    private enum Content
    {
        None,
        Headers,
        Full,
    }

    private sealed class Candidate(MessageRecord record, int sequence, SelectedMailbox selected) : IAsyncDisposable
    {
        private Stream? _body;

        public MessageRecord Record { get; } = record;

        public int Sequence { get; } = sequence;

        public SelectedMailbox Selected { get; } = selected;

        public HeaderList? Headers { get; private set; }

        public MimeMessage? Message { get; private set; }

        public async Task LoadAsync(ImapSession session, Content depth, CancellationToken cancellationToken)
        {
            _body = await session.Store.OpenBodyAsync(Record.BodyId, cancellationToken).ConfigureAwait(false);
            var options = session.Store.ParserOptionsFor();
            if (depth == Content.Headers)
            {
                Headers = await HeaderList.LoadAsync(options, _body, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Persistent: the parts stay on the stored file, so an attachment is never read into memory;
                // only text parts are decoded when TEXT or BODY looks into them.
                Message = await MimeMessage.LoadAsync(options, _body, persistent: true, cancellationToken).ConfigureAwait(false);
                Headers = Message.Headers;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Message?.Dispose();
            if (_body is not null)
            {
                await _body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static bool Matches(SearchKey key, Candidate c)
    {
        var m = c.Record;
        switch (key)
        {
            case AllKey:
                return true;
            case AndKey and:
                return and.Keys.All(k => Matches(k, c));
            case OrKey or:
                return Matches(or.Left, c) || Matches(or.Right, c);
            case NotKey not:
                return !Matches(not.Key, c);
            case FlagKey flag:
                var has = (m.Flags & Select.ParseSystemFlag("\\" + flag.Flag)) != 0;
                return has != flag.Negated;
            case KeywordKey keyword:
                return m.Keywords.Contains(keyword.Keyword, StringComparer.OrdinalIgnoreCase) != keyword.Negated;
            case RecentKey recent:
                return c.Selected.IsRecent(m.Uid) == recent.Recent;
            case SizeKey size:
                return size.Larger ? m.Size > size.Size : m.Size < size.Size;
            case DateKey date:
                DateOnly day;
                if (date.Sent)
                {
                    // RFC 9051 §6.4.4: the Date: header, disregarding time and timezone.
                    var header = c.Headers?[HeaderId.Date];
                    if (header is null || !DateUtils.TryParse(header, out var sent))
                    {
                        return false;
                    }

                    day = DateOnly.FromDateTime(sent.DateTime);
                }
                else
                {
                    day = DateOnly.FromDateTime(m.InternalDate.DateTime);
                }

                return date.Comparison switch
                {
                    DateComparison.Before => day < date.Date,
                    DateComparison.On => day == date.Date,
                    _ => day >= date.Date,
                };
            case HeaderKey header:
                return HeaderContains(c.Headers, header.Field, header.Value);
            case TextKey text:
                return TextContains(c, text);
            case SetKey set when set.Set.IsSaved:
                return c.Selected.SavedSearch.Contains(m.Uid);
            case SetKey set:
                return set.ByUid ? set.Set.Contains(m.Uid, c.Selected.MaxUid) : set.Set.Contains((uint)c.Sequence, (uint)c.Selected.Count);
            case ModSeqKey modseq:
                return m.ModSeq >= modseq.ModSeq;
            default:
                return false;
        }
    }

    private static bool HeaderContains(HeaderList? headers, string field, string value)
    {
        if (headers is null)
        {
            return false;
        }

        foreach (var header in headers)
        {
            if (!header.Field.Equals(field, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // RFC 9051 §6.4.4: an empty string matches every message that has the field.
            if (value.Length == 0 || SearchText.HeaderContains(header, value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TextContains(Candidate c, TextKey key)
    {
        if (key.IncludeHeader && c.Headers is not null && c.Headers.Any(h => SearchText.HeaderContains(h, key.Value)))
        {
            return true;
        }

        return c.Message is not null && SearchText.BodyContains(c.Message.Body, key.Value);
    }

    private static Content ContentNeeded(SearchKey key) => key switch
    {
        TextKey => Content.Full,
        HeaderKey => Content.Headers,
        DateKey { Sent: true } => Content.Headers,
        AndKey and => and.Keys.Select(ContentNeeded).DefaultIfEmpty(Content.None).Max(),
        OrKey or => (Content)Math.Max((int)ContentNeeded(or.Left), (int)ContentNeeded(or.Right)),
        NotKey not => ContentNeeded(not.Key),
        _ => Content.None,
    };

    private static bool Uses<T>(SearchKey key) => key switch
    {
        T => true,
        AndKey and => and.Keys.Any(Uses<T>),
        OrKey or => Uses<T>(or.Left) || Uses<T>(or.Right),
        NotKey not => Uses<T>(not.Key),
        _ => false,
    };
}
