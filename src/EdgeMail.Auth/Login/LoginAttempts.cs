using System.Net;

namespace EdgeMail.Auth.Login;

/// <summary>
/// One connection's login attempts, from <see cref="Authenticator.AcceptAsync"/>: where it comes from, which protocol
/// it speaks (for the log), and how many of its logins failed (it is closed at Auth:MaxFailuresPerConnection).
/// Used by one session at a time, as the session's commands run one at a time.
/// </summary>
public sealed class LoginAttempts
{
    internal LoginAttempts(IPAddress remote, string protocol)
    {
        Remote = remote;
        Protocol = protocol;
    }

    public IPAddress Remote { get; }

    /// <summary>"IMAP", "POP3" or "SMTP".</summary>
    public string Protocol { get; }

    /// <summary>Failed and malformed logins on this connection; the same wrong password again counts once.</summary>
    public int Failures { get; internal set; }

    /// <summary>The fingerprint of this connection's last failed plaintext guess (see <see cref="Sasl.SaslStep.Guess"/>).</summary>
    internal long? LastGuess { get; set; }
}
