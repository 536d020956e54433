namespace EdgeMail.Testing.Imap;

/// <summary>Every response to one command: the untagged ones in order, then the tagged one.</summary>
public sealed class ImapCommandResult(IReadOnlyList<ImapResponse> responses)
{
    public IReadOnlyList<ImapResponse> Responses { get; } = responses;

    public ImapResponse Tagged => Responses[^1];

    public IEnumerable<ImapResponse> Untagged => Responses.Take(Responses.Count - 1);

    public IEnumerable<FetchResponse> Fetches => Responses.Where(r => r.Fetch is not null).Select(r => r.Fetch!);

    public bool IsOk => Tagged.IsOk;

    /// <summary>Throws unless the tagged response is OK, quoting every response.</summary>
    public ImapCommandResult EnsureOk() => IsOk ? this : throw new InvalidOperationException("command failed:\n" + this);

    public override string ToString() => string.Join("\n", Responses);
}
