namespace EdgeMail.Imap.Protocol;

/// <summary>The search keys of RFC 9051 §6.4.4 (and RFC 3501 §6.4.4, RFC 7162 §3.1.5 MODSEQ), as a tree.</summary>
public abstract record SearchKey;

public sealed record AllKey : SearchKey;

public sealed record AndKey(IReadOnlyList<SearchKey> Keys) : SearchKey;

public sealed record OrKey(SearchKey Left, SearchKey Right) : SearchKey;

public sealed record NotKey(SearchKey Key) : SearchKey;

/// <summary>A system flag, set (or not set when <see cref="Negated"/>): SEEN / UNSEEN, and so on.</summary>
public sealed record FlagKey(string Flag, bool Negated) : SearchKey;

public sealed record KeywordKey(string Keyword, bool Negated) : SearchKey;

/// <summary>RECENT (Recent true) and OLD (false): \Recent as the session holds it (RFC 3501 §2.3.2; none for IMAP4rev2).</summary>
public sealed record RecentKey(bool Recent) : SearchKey;

public sealed record SizeKey(long Size, bool Larger) : SearchKey;

/// <summary>BEFORE / ON / SINCE on the internal date, or SENTBEFORE / SENTON / SENTSINCE on the Date header.</summary>
public sealed record DateKey(DateOnly Date, DateComparison Comparison, bool Sent) : SearchKey;

public enum DateComparison
{
    Before,
    On,
    Since,
}

/// <summary>FROM, TO, CC, BCC, SUBJECT and HEADER field: a substring of the header field (RFC 9051 §6.4.4).</summary>
public sealed record HeaderKey(string Field, string Value) : SearchKey;

/// <summary>BODY (the text of the body) or TEXT (header and body).</summary>
public sealed record TextKey(string Value, bool IncludeHeader) : SearchKey;

/// <summary>A sequence-set (message numbers), or UID sequence-set.</summary>
public sealed record SetKey(SequenceSet Set, bool ByUid) : SearchKey;

/// <summary>RFC 7162 §3.1.5: MODSEQ n, messages with a MODSEQ at least n.</summary>
public sealed record ModSeqKey(ulong ModSeq) : SearchKey;

/// <summary>SEARCH [RETURN (...)] [CHARSET x] keys (RFC 9051 §6.4.4, RFC 4731 §3).</summary>
public sealed record SearchRequest(SearchKey Key, IReadOnlyList<string>? Return, string? Charset);
