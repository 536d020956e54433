namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// A command ends with this <c>-ERR</c> reply. Only the session loop catches it; a client fault counts toward
/// <see cref="Pop3Options.MaxBadCommands"/>.
/// </summary>
internal sealed class ProtocolException : Exception
{
    public ProtocolException(Pop3Reply reply, bool clientFault)
        : base(reply.Text)
    {
        Reply = reply;
        ClientFault = clientFault;
    }

    public ProtocolException()
        : this(Pop3Replies.ServerError, clientFault: false)
    {
    }

    public ProtocolException(string message)
        : this(Pop3Reply.Error(message), clientFault: true)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reply = Pop3Reply.Error(message);
        ClientFault = false;
    }

    public Pop3Reply Reply { get; }

    public bool ClientFault { get; }
}
