using System.Collections.Frozen;
using EdgeMail.Pop3.Commands;
using EdgeMail.Pop3.Protocol;

namespace EdgeMail.Pop3.Session;

/// <summary>
/// Every command: its argument grammar, the states that allow it, and its handler. The session loop looks a
/// keyword up here and has no switch over verbs.
/// </summary>
internal static class CommandTable
{
    /// <summary>A handler returns its status line for the session to write, or <see cref="Pop3Reply.Answered"/>.</summary>
    public delegate ValueTask<Pop3Reply> Handler(Pop3Session session, Pop3Command command, CancellationToken cancellationToken);

    public sealed record Entry(Pop3Parser.ArgumentParser Parse, Pop3State States, Handler Run);

    private const Pop3State Auth = Pop3State.Authorization;
    private const Pop3State Trans = Pop3State.Transaction;
    private const Pop3State Any = Pop3State.Authorization | Pop3State.Transaction;

    private static readonly FrozenDictionary<string, Entry> Entries = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        // RFC 2449 §5: CAPA in both states.
        ["CAPA"] = new(Pop3Parser.None, Any, Capa.RunAsync),

        // RFC 1939 §7 USER/PASS, RFC 5034 §4 AUTH, RFC 2595 §4 STLS, RFC 6856 §2 UTF8: AUTHORIZATION only.
        ["USER"] = new(Pop3Parser.User, Auth, Authorization.UserAsync),
        ["PASS"] = new(Pop3Parser.Pass, Auth, Authorization.PassAsync),
        ["AUTH"] = new(Pop3Parser.Auth, Auth, Sasl.RunAsync),
        ["STLS"] = new(Pop3Parser.None, Auth, Stls.RunAsync),
        ["UTF8"] = new(Pop3Parser.None, Auth, Utf8.RunAsync),

        // RFC 1939 §5, §7: TRANSACTION only.
        ["STAT"] = new(Pop3Parser.None, Trans, Listing.StatAsync),
        ["LIST"] = new(Pop3Parser.OptionalMessage, Trans, Listing.ListAsync),
        ["UIDL"] = new(Pop3Parser.OptionalMessage, Trans, Listing.UidlAsync),
        ["RETR"] = new(Pop3Parser.Message, Trans, Retrieve.RetrAsync),
        ["TOP"] = new(Pop3Parser.Top, Trans, Retrieve.TopAsync),
        ["DELE"] = new(Pop3Parser.Message, Trans, Delete.DeleAsync),
        ["RSET"] = new(Pop3Parser.None, Trans, Delete.RsetAsync),
        ["NOOP"] = new(Pop3Parser.None, Trans, Noop.RunAsync),

        // RFC 1939 §4 and §6: QUIT in both; in TRANSACTION it enters UPDATE.
        ["QUIT"] = new(Pop3Parser.None, Any, Quit.RunAsync),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static Entry? Find(string keyword) => Entries.GetValueOrDefault(keyword);
}
