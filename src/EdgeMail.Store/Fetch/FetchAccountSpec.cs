namespace EdgeMail.Store.Fetch;

/// <summary>A new fetch account as `edgemail fetch add` (or the web page) gives it; checked by <see cref="Validate"/>.</summary>
public sealed record FetchAccountSpec(
    string Name,
    FetchProtocol Protocol,
    string Host,
    int Port,
    FetchSecurity Security,
    string User,
    string Password,
    string AccountAddress,
    string Mailbox,
    TimeSpan Interval,
    IReadOnlyList<string> Folders,
    FetchRemoteAction RemoteAction,
    string? MoveTo,
    bool InsecureTls)
{
    public const int MaxNameLength = 64;
    public const int MaxTextLength = 255;
    public const int MaxFolders = 32;
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    /// <summary>The first thing wrong with the spec, as one line, or null.</summary>
    public string? Validate()
    {
        if (Name.Length is 0 or > MaxNameLength || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"a fetch account name is 1 to {MaxNameLength} letters, digits, '-', '_' or '.'";
        }

        if (Host.Length is 0 or > MaxTextLength || Host.Any(c => c <= ' ' || c == '/' || c > '~'))
        {
            return "the remote host must be a host name or an address";
        }

        if (Port is < 1 or > 65535)
        {
            return "the remote port must be between 1 and 65535";
        }

        if (User.Length is 0 or > MaxTextLength || User.Any(char.IsControl))
        {
            return "the remote user must be 1 to 255 characters without control characters";
        }

        if (Password.Length is 0 or > 1024 || Password.Any(c => c is '\r' or '\n' or '\0'))
        {
            return "the remote password must be 1 to 1024 characters on one line";
        }

        if (Interval < MinInterval || Interval > MaxInterval)
        {
            return "the interval must be between 1 minute and 1 day";
        }

        if (Protocol == FetchProtocol.Pop3 && (Folders.Count != 1 || Folders[0] != "INBOX"))
        {
            return "POP3 has one mailbox: --folder is for IMAP accounts";
        }

        if (Folders.Count is 0 or > MaxFolders || Folders.Any(f => f.Length is 0 or > MaxTextLength || f.Any(char.IsControl)))
        {
            return $"give 1 to {MaxFolders} remote folders";
        }

        if (RemoteAction == FetchRemoteAction.Move && (Protocol == FetchProtocol.Pop3 || string.IsNullOrEmpty(MoveTo) || MoveTo.Any(char.IsControl)))
        {
            return Protocol == FetchProtocol.Pop3 ? "POP3 cannot move messages: use keep or delete" : "move needs a remote folder: move:FOLDER";
        }

        if (RemoteAction == FetchRemoteAction.Move && Folders.Contains(MoveTo!))
        {
            return "the move target cannot be one of the fetched folders";
        }

        return null;
    }
}
