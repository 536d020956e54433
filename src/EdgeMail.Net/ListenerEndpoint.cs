using System.Net;

namespace EdgeMail.Net;

/// <summary>
/// One address and port that one protocol listens on, for example <c>("imaps", 0.0.0.0, 993, Implicit, imap)</c>.
/// Port 0 asks the OS for an ephemeral port; <see cref="MailListenerService.Started"/> reports the real one.
/// </summary>
/// <param name="Name">Short name used in logs and by the host, e.g. "imap", "imaps", "submission".</param>
public sealed record ListenerEndpoint(string Name, IPAddress Address, int Port, TlsMode TlsMode, IConnectionHandler Handler);
