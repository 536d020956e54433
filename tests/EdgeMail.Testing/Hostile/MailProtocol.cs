namespace EdgeMail.Testing.Hostile;

/// <summary>The three protocols, for probes that speak each one's dialect.</summary>
public enum MailProtocol
{
    Imap,
    Pop3,
    Smtp,
}
