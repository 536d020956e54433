namespace EdgeMail.Smtp.Protocol;

/// <summary>A command ends with this reply; only the session loop catches it. A client fault counts toward MaxBadCommands.</summary>
internal sealed class ProtocolException(SmtpReply reply, bool clientFault = true) : Exception(reply.ToString())
{
    public SmtpReply Reply { get; } = reply;

    public bool ClientFault { get; } = clientFault;
}
