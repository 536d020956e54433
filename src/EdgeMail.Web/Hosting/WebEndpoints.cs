using System.Net;

namespace EdgeMail.Web.Hosting;

/// <summary>Where the page listens: the host's Network:Bind addresses with Web:Port and Web:TlsPort.</summary>
public sealed record WebEndpoints(IReadOnlyList<IPAddress> Addresses);
